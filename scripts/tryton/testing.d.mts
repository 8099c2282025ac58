export interface TestTryton { url: string; database: string; username: string; password: string; version: string; stop(): Promise<void> }
export function startTrytonForTests(fixture: unknown): Promise<TestTryton | { skipped: string }>;
