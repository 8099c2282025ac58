// The new routes are in the one API document, with their request schemas.
import { expect, it } from "vitest";
import { call } from "../helpers";

it("lists fulfillers, EDI documents and return receipts in /openapi.json", async () => {
  const res = await call("/openapi.json");
  expect(res.status).toBe(200);
  const doc = (await res.json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
  expect(Object.keys(doc.paths["/v1/admin/fulfillers/{id}"]!)).toEqual(expect.arrayContaining(["put", "get", "delete"]));
  expect(Object.keys(doc.paths["/v1/admin/fulfillers/{id}"]!.put!.requestBody!.content["application/json"]!.schema.properties!)).toEqual(expect.arrayContaining(["kind", "locations", "url", "secret", "ackDeadlineSeconds", "settings"]));
  expect(doc.paths["/v1/edi/{connectionId}/documents"]!.get).toBeDefined();
  expect(doc.paths["/v1/returns/{rmaId}/receipt"]!.post).toBeDefined();
});
