export const BIGCOMMERCE_STUB_TOKEN: string;
export function startBigCommerceStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
