export interface FaultyProxy { url: string; close(): Promise<void> }
export function startFaultyProxy(opts: { target: string; port?: number; host?: string; unref?: boolean }): Promise<FaultyProxy>;
