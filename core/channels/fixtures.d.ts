// Vite's `?raw` suffix imports a file's text; the BigCommerce docs fixture is JSON with comments.
declare module "*.jsonc?raw" {
  const text: string;
  export default text;
}
