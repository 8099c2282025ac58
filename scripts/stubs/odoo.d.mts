export interface OdooStub { url: string; state: unknown; close(): Promise<void> }
export function startOdooStub(opts?: { port?: number; host?: string; unref?: boolean; version?: number }): Promise<OdooStub>;
