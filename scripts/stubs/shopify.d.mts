export const SHOPIFY_STUB_TOKEN: string;
export function startShopifyStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
