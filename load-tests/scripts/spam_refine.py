#!/usr/bin/env python3
# Progressive loss on the spam-assassin stream with and without scheduled refinement.
# Usage from the repository root, after ./mvnw -B -q package -DskipTests:
#   python3 load-tests/scripts/spam_refine.py lbfgs|svrg ['{"l2":0.001,...}']
# The optional second argument is merged into the refine section (method and everyExamples
# are set here). VERBOSE=1 prints each refinement's message. PACE=1 waits, after each chunk, for
# a running refinement to end: a stream slow next to the job (mail arrives at a few per second),
# so each promotion reaches the examples after it; without it the whole stream is posted in ~5 s
# and every job overlaps hundreds of arriving examples. SPEC='{"textWeighting":"binary"}' is
# merged into the base model spec of both models; PORT overrides the port (18222).
import gzip, json, re, urllib.request, subprocess, time, os, tempfile, sys
port=int(os.environ.get("PORT") or 18222)
d=tempfile.mkdtemp()
p=subprocess.Popen(["java","-jar","service/target/riffle.jar"],env=dict(os.environ,RIFFLE_HTTP_PORT=str(port),RIFFLE_DATA_DIR=d),stdout=open(d+"/log","w"),stderr=subprocess.STDOUT)
def req(m,path,body=None,ct="application/json"):
    r=urllib.request.Request(f"http://127.0.0.1:{port}{path}",data=body.encode() if body else None,method=m,headers={"Content-Type":ct})
    return json.loads(urllib.request.urlopen(r,timeout=300).read() or b"{}")
for i in range(100):
    try: req("GET","/health/ready"); break
    except Exception: time.sleep(0.1)
base=dict({"kind":"binary","bits":20,"text":["subject","body"]},**json.loads(os.environ.get("SPEC") or "{}"))
req("PUT","/v1/models/plain",json.dumps(base))
refine=dict(json.loads(sys.argv[2]) if len(sys.argv)>2 else {},method=sys.argv[1],everyExamples=1000)
req("PUT","/v1/models/refined",json.dumps(dict(base,refine=refine)))
lines=[]
for l in gzip.open("../shared/data/spam-assassin.jsonl.gz","rt"):
    m=json.loads(l); fr=m.get("from") or ""; dom=fr.rsplit("@",1)[-1].strip('> "') if "@" in fr else "none"
    lines.append(json.dumps({"features":{"subject":m.get("subject") or "","body":(m.get("body") or "")[:20000],"domain":dom},"label":m["label"]}))
t=time.time()
cum={"plain":[],"refined":[]}  # (examples, summed loss) after each chunk, for per-segment losses
def mark():
    for name in cum:
        a=req("GET",f"/v1/models/{name}/metrics")["all"]; cum[name].append((a["examples"],a["loss"]*a["examples"]))
for i in range(0,len(lines),250):
    chunk="\n".join(lines[i:i+250])
    for name in ("plain","refined"): req("POST",f"/v1/models/{name}/examples",chunk,"application/x-ndjson")
    time.sleep(0.05)
    while os.environ.get("PACE") and any(r["status"]=="running" for r in req("GET","/v1/models/refined/refinements")["refinements"]):
        time.sleep(0.05)
    if os.environ.get("PACE"): mark()
# wait for the last refinement to end (poll with a deadline)
deadline=time.time()+600
while time.time()<deadline and any(r["status"]=="running" for r in req("GET","/v1/models/refined/refinements")["refinements"]):
    time.sleep(0.2)
for name in ("plain","refined"):
    print(name, json.dumps(req("GET",f"/v1/models/{name}/metrics")["all"]))
rs=req("GET","/v1/models/refined/refinements")["refinements"]
print("refinements", len(rs), "promoted", sum(r["promoted"] for r in rs), "durations ms", [r["durationMs"] for r in rs])
print("ingest seconds", round(time.time()-t,1))
for r in rs:
    print(" ", r["id"], r["status"], "live", r["liveLoss"] and round(r["liveLoss"],4), "challenger", r["challengerLoss"] and round(r["challengerLoss"],4), "replayed", r["examplesReplayed"], "ms", r["durationMs"])
    if os.environ.get("VERBOSE") and r.get("error"): print("   ", r["error"])
if cum["plain"]:
    # mean progressive loss per 1000 examples (PACE only: the counts are exact after each chunk)
    print("segment  plain  refined")
    for k in range(4,len(cum["plain"])+3,4):
        k=min(k,len(cum["plain"])); j=k-4 if k>=4 else 0
        seg=lambda c: (c[k-1][1]-(c[j-1][1] if j>0 else 0))/(c[k-1][0]-(c[j-1][0] if j>0 else 0))
        print(f"  {cum['plain'][j-1][0] if j>0 else 0}-{cum['plain'][k-1][0]}  {seg(cum['plain']):.4f}  {seg(cum['refined']):.4f}")
p.terminate(); p.wait()
