export function startStub(opts: { provider: unknown; port?: number; host?: string; unref?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
