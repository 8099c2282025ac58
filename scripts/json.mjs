#!/usr/bin/env node
// Reads JSON on stdin and prints one field (a dotted path), for shell examples without jq:
//   ORDER=$(curl -s … | node scripts/json.mjs orderId)
//   node scripts/json.mjs items.0.id < answer.json
let text = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (text += d));
process.stdin.on("end", () => {
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    console.error(`json.mjs: stdin is not JSON: ${text.slice(0, 200)}`);
    process.exit(1);
  }
  for (const part of (process.argv[2] ?? "").split(".").filter(Boolean)) v = v?.[/^\d+$/.test(part) ? Number(part) : part];
  if (v === undefined) {
    console.error(`json.mjs: no ${process.argv[2]} in ${text.slice(0, 200)}`);
    process.exit(1);
  }
  process.stdout.write(typeof v === "string" ? v : JSON.stringify(v));
});
