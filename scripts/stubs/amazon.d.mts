export const AMAZON_STUB: { clientId: string; clientSecret: string; refreshToken: string; sellerId: string; marketplaceId: string };
export function startAmazonStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
