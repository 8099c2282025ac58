import { it } from "vitest";
import { createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { putFulfiller, putPolicy, receiver, whsec } from "./support";
it.fails("debug", async () => {
  const key = await createKey();
  const channel = uid("rel");
  const dc1 = uid("DC1");
  await putPolicy(channel, { locations: [dc1], ackDeadlineSeconds: 60 });
  const s = whsec();
  const wms1 = await receiver("wms1", { secret: s });
  await putFulfiller(uid("f1"), { kind: "standard", locations: [dc1], url: wms1.url, secret: s });
  const body = sampleOrder({ channel });
  await stock((body.lines as { sku: string }[])[0]!.sku, 50, dc1);
  const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
  await waitForOrder(key, orderId, (o) => o.status === "released");
  await new Promise((r) => setTimeout(r, 3000));
  console.log(JSON.stringify((await getOrder(key, orderId)).timeline.map((t) => [t.type, t.detail]), null, 1));
  console.log(JSON.stringify(await wms1.calls())); throw new Error("show");
});
