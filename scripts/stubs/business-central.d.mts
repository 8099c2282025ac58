export interface BusinessCentralStub { url: string; state: unknown; tokenUrl(tenantId: string): string; close(): Promise<void> }
export function startBusinessCentralStub(opts?: { port?: number; host?: string; unref?: boolean }): Promise<BusinessCentralStub>;
