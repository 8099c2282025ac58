export const WOO_STUB_KEY: string;
export const WOO_STUB_SECRET: string;
export function startWooCommerceStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
