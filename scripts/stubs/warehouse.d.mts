export function startWarehouseStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
