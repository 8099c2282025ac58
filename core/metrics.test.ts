import { describe, expect, it } from "vitest";
import { counterDeltas, gauge, histogramDeltas, parseSeriesKey, renderPrometheus, samplesAsJson, seriesSet, type Sample } from "./metrics";

const sum = (deltas: [string, number][][]): Sample[] => {
  const m = new Map<string, number>();
  for (const d of deltas.flat()) m.set(d[0], (m.get(d[0]) ?? 0) + d[1]);
  return [...m].map(([k, value]) => ({ ...parseSeriesKey(k), value }));
};

describe("metric families", () => {
  it("renders counters once per family with HELP and TYPE, labels in the family's order", () => {
    const text = renderPrometheus(sum([counterDeltas("switchyard_webhook_deliveries_total", { outcome: "accepted", connection: "a", channel: "web" }, 2), counterDeltas("switchyard_webhook_deliveries_total", { channel: "web", connection: "a", outcome: "accepted" })]));
    expect(text.match(/^# TYPE switchyard_webhook_deliveries_total counter$/gm)).toHaveLength(1);
    expect(text).toContain('switchyard_webhook_deliveries_total{channel="web",connection="a",outcome="accepted"} 3\n');
  });

  it("keeps histogram buckets cumulative and ordered, then _sum and _count", () => {
    const labels = { channel: "web", connection: "a" };
    const text = renderPrometheus(sum([histogramDeltas("switchyard_webhook_ack_seconds", labels, 0.02), histogramDeltas("switchyard_webhook_ack_seconds", labels, 3)]));
    const lines = text.split("\n").filter((l) => l.startsWith("switchyard_webhook_ack_seconds"));
    expect(lines[0]).toBe('switchyard_webhook_ack_seconds_bucket{channel="web",connection="a",le="0.005"} 0');
    expect(lines).toContain('switchyard_webhook_ack_seconds_bucket{channel="web",connection="a",le="0.025"} 1');
    expect(lines).toContain('switchyard_webhook_ack_seconds_bucket{channel="web",connection="a",le="5"} 2');
    expect(lines.slice(-3)).toEqual([
      'switchyard_webhook_ack_seconds_bucket{channel="web",connection="a",le="+Inf"} 2',
      'switchyard_webhook_ack_seconds_sum{channel="web",connection="a"} 3.02',
      'switchyard_webhook_ack_seconds_count{channel="web",connection="a"} 2',
    ]);
    expect(samplesAsJson(sum([histogramDeltas("switchyard_webhook_ack_seconds", labels, 3)])).switchyard_webhook_ack_seconds).toEqual([
      expect.objectContaining({ channel: "web", connection: "a", count: 1, sum: 3, buckets: expect.objectContaining({ "2.5": 0, "5": 1, "+Inf": 1 }) }),
    ]);
  });

  it("stores one histogram observation's buckets, sum and count as one set, apart from other labels", () => {
    const web = histogramDeltas("switchyard_webhook_ack_seconds", { channel: "web", connection: "a" }, 0.3);
    const edi = histogramDeltas("switchyard_webhook_ack_seconds", { channel: "edi", connection: "a" }, 0.3);
    expect(web.length).toBeGreaterThan(3);
    expect(new Set(web.map(([k]) => seriesSet(k))).size).toBe(1);
    expect(seriesSet(edi[0]![0])).not.toBe(seriesSet(web[0]![0]));
    const counter = counterDeltas("switchyard_erp_attempts_total", { erp_connection: "x", result: "success" }, 1)[0]!;
    expect(seriesSet(counter[0])).not.toBe(seriesSet(web[0]![0]));
  });

  it("escapes label values and bounds their length", () => {
    const text = renderPrometheus([gauge("switchyard_queue_backlog", { channel: 'we"b\\\n' + "x".repeat(500) }, 1)]);
    const line = text.split("\n").find((l) => l.startsWith("switchyard_queue_backlog{"))!;
    expect(line.startsWith('switchyard_queue_backlog{channel="we\\"b\\\\\\nxxx')).toBe(true);
    expect(line.length).toBeLessThan(200);
  });

  it("refuses a family it does not know", () => {
    expect(() => counterDeltas("nope" as never, {})).toThrow(/unknown metric family/);
  });
});
