import { describe, expect, it } from "vitest";
import type { InventoryEvent } from "../canonical";
import { applyInventoryEvent, compareMarks, unownedFigures, type LocationState } from "./events";
import { emptyPosition } from "./position";

const T = Date.UTC(2026, 0, 1, 9);
const at = (s: number) => new Date(T + s * 1000).toISOString();
let n = 0;
const ev = (o: Partial<InventoryEvent>): InventoryEvent => ({ eventId: `e${++n}`, source: "erp", type: "snapshot", sku: "S", location: "DC1", asOf: at(0), ...o }) as InventoryEvent;
const empty = (): LocationState => ({ position: emptyPosition("DC1"), marks: {}, pending: [] });

function run(events: InventoryEvent[]) {
  let st = empty();
  const outcomes = events.map((e) => {
    const r = applyInventoryEvent(st, e);
    st = r.state;
    return r.outcome;
  });
  return { st, outcomes };
}

describe("applyInventoryEvent", () => {
  it("sets absolute figures, and a snapshot's committed time becomes the watermark", () => {
    const { st, outcomes } = run([ev({ quantities: { onHand: 40, committed: 5 } })]);
    expect(outcomes).toEqual(["accepted"]);
    expect(st.position).toMatchObject({ onHand: 40, committed: 5, watermark: T, onHandAsOf: T });
  });

  it("refuses an older absolute figure (stale) but re-sets an equal one", () => {
    const { st, outcomes } = run([ev({ asOf: at(10), quantities: { onHand: 40 } }), ev({ asOf: at(5), quantities: { onHand: 99 } }), ev({ asOf: at(10), quantities: { onHand: 41 } })]);
    expect(outcomes).toEqual(["accepted", "stale", "accepted"]);
    expect(st.position.onHand).toBe(41);
  });

  it("rebases a late snapshot onto moves made after it, and drops moves it already contains", () => {
    // snapshot@0 = 40; receipt@+20 (+10) arrives; then the snapshot taken @+10 (45) arrives late.
    const { st, outcomes } = run([
      ev({ asOf: at(0), quantities: { onHand: 40 } }),
      ev({ type: "receipt", asOf: at(20), delta: { onHand: 10 } }),
      ev({ asOf: at(10), quantities: { onHand: 45 } }),
      ev({ type: "adjustment", asOf: at(5), delta: { onHand: -3 } }), // inside the @+10 snapshot already
    ]);
    expect(outcomes).toEqual(["accepted", "accepted", "accepted", "stale"]);
    expect(st.position.onHand).toBe(55);
    expect(st.pending.map((d) => d.asOf)).toEqual([T + 20_000]);
  });

  it("orders by sequence within one source when both events carry one, else by time", () => {
    const { st, outcomes } = run([
      ev({ source: "3pl", asOf: at(10), sequence: 7, quantities: { onHand: 5 } }),
      ev({ source: "3pl", asOf: at(20), sequence: 6, quantities: { onHand: 9 } }),
      ev({ source: "3pl", asOf: at(1), sequence: 8, quantities: { onHand: 6 } }),
    ]);
    expect(outcomes).toEqual(["accepted", "stale", "accepted"]);
    expect(st.position.onHand).toBe(6);
    expect(compareMarks({ source: "erp", asOf: 1, seq: 9 }, { source: "wms", asOf: 2, seq: 1 })).toBe(-1);
  });

  it("hold adds and release subtracts magnitudes; moves commute whatever their arrival order", () => {
    const a = run([ev({ source: "wms", type: "hold", asOf: at(1), delta: { qualityHold: 4 } }), ev({ source: "wms", type: "release", asOf: at(2), delta: { qualityHold: -1 } })]);
    const b = run([ev({ source: "wms", type: "release", asOf: at(2), delta: { qualityHold: 1 } }), ev({ source: "wms", type: "hold", asOf: at(1), delta: { qualityHold: 4 } })]);
    expect(a.st.position.qualityHold).toBe(3);
    expect(b.st.position.qualityHold).toBe(3);
    expect(b.outcomes).toEqual(["accepted", "accepted"]);
  });

  it("ignores figures the source does not own, so an event with only those is stale", () => {
    const e = ev({ source: "wms", quantities: { onHand: 500, damaged: 2 } });
    expect(unownedFigures(e)).toEqual(["onHand"]);
    expect(run([e]).st.position).toMatchObject({ onHand: 0, damaged: 2 });
    expect(run([ev({ source: "wms", quantities: { onHand: 5 } })]).outcomes).toEqual(["stale"]);
  });

  it("sets and moves 3PL capacity", () => {
    const { st } = run([ev({ source: "3pl", type: "capacity", quantities: { capacity: 100 } }), ev({ source: "3pl", type: "capacity", asOf: at(1), delta: { capacity: -30 } })]);
    expect(st.position.capacity).toBe(70);
  });
});
