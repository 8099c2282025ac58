/** The /ops page: a small self-contained dashboard that reads the ops API with a token the operator types in. */
export const dashboardHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchyard ops</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#f6f8fa}
h1{font-size:1.4rem}section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee}
.k{display:inline-block;min-width:9rem;margin:.2rem 1rem .2rem 0}.k b{font-size:1.3rem;display:block}
button{padding:.3rem .8rem}input{padding:.3rem;width:22rem}
</style></head><body>
<h1>Switchyard — operations</h1>
<p><label>Token (admin or ops:read key): <input id="t" type="password" autocomplete="off"></label> <button id="go">Load</button></p>
<section><h2>Orders</h2><div id="orders"></div></section>
<section><h2>ERP hand-off</h2><div id="dispatch"></div></section>
<section><h2>Dead letters</h2><table id="dl"></table></section>
<section><h2>Exceptions</h2><table id="ex"></table></section>
<script>
const $=(id)=>document.getElementById(id);
const esc=(s)=>String(s??"").replace(/[&<>"]/g,(c)=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
async function get(p){const r=await fetch(p,{headers:{authorization:"Bearer "+$("t").value}});if(!r.ok)throw new Error(p+": "+r.status);return r.json();}
function kv(o){return Object.entries(o).map(([k,v])=>'<span class="k">'+esc(k)+'<b>'+esc(v)+'</b></span>').join("");}
async function load(){
  sessionStorage.setItem("t",$("t").value);
  const s=await get("/v1/ops/summary");
  $("orders").innerHTML=kv({total:s.orders.total,...s.orders.byStatus});
  $("dispatch").innerHTML=kv({...s.dispatch,"dead letters open":s.deadLetters.open,"exceptions open":s.exceptions.open,"availability sync lag (max ms, 1 h)":s.availabilitySyncLagMs.max??"–"});
  const dl=await get("/v1/ops/dead-letters?limit=50");
  $("dl").innerHTML="<tr><th>id</th><th>order</th><th>reason</th><th>created</th><th>replayed</th><th></th></tr>"+dl.items.map(d=>"<tr><td>"+esc(d.id)+"</td><td>"+esc(d.orderId)+"</td><td>"+esc(d.reason)+"</td><td>"+esc(d.createdAt)+"</td><td>"+esc(d.replayedAt)+'</td><td><button data-id="'+esc(d.id)+'">replay</button></td></tr>').join("");
  const ex=await get("/v1/ops/exceptions?limit=50");
  $("ex").innerHTML="<tr><th>kind</th><th>order</th><th>reason</th><th>at</th></tr>"+ex.items.map(e=>"<tr><td>"+esc(e.kind)+"</td><td>"+esc(e.orderId)+"</td><td>"+esc(e.reason)+"</td><td>"+esc(e.at)+"</td></tr>").join("");
}
$("dl").addEventListener("click",async(e)=>{const id=e.target.dataset&&e.target.dataset.id;if(!id)return;await fetch("/v1/ops/dead-letters/"+id+"/replay",{method:"POST",headers:{authorization:"Bearer "+$("t").value}});load();});
$("go").onclick=()=>load().catch(e=>alert(e.message));
$("t").value=sessionStorage.getItem("t")||"";if($("t").value)load().catch(()=>{});
setInterval(()=>{if($("t").value)load().catch(()=>{})},5000);
</script></body></html>`;
