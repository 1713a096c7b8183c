#!/usr/bin/env python3
# Progressive loss on the spam-assassin stream with and without scheduled refinement.
# Usage from the repository root, after ./mvnw -B -q package -DskipTests:
#   python3 load-tests/scripts/spam_refine.py lbfgs|svrg
import gzip, json, re, urllib.request, subprocess, time, os, tempfile, sys
port=18222
d=tempfile.mkdtemp()
p=subprocess.Popen(["java","-jar","service/target/riffle.jar"],env=dict(os.environ,RIFFLE_HTTP_PORT=str(port),RIFFLE_DATA_DIR=d),stdout=open(d+"/log","w"),stderr=subprocess.STDOUT)
def req(m,path,body=None,ct="application/json"):
    r=urllib.request.Request(f"http://127.0.0.1:{port}{path}",data=body.encode() if body else None,method=m,headers={"Content-Type":ct})
    return json.loads(urllib.request.urlopen(r,timeout=300).read() or b"{}")
for i in range(100):
    try: req("GET","/health/ready"); break
    except Exception: time.sleep(0.1)
base={"kind":"binary","bits":20,"text":["subject","body"]}
req("PUT","/v1/models/plain",json.dumps(base))
req("PUT","/v1/models/refined",json.dumps(dict(base,refine={"method":sys.argv[1],"everyExamples":1000})))
lines=[]
for l in gzip.open("../shared/data/spam-assassin.jsonl.gz","rt"):
    m=json.loads(l); fr=m.get("from") or ""; dom=fr.rsplit("@",1)[-1].strip('> "') if "@" in fr else "none"
    lines.append(json.dumps({"features":{"subject":m.get("subject") or "","body":(m.get("body") or "")[:20000],"domain":dom},"label":m["label"]}))
t=time.time()
for i in range(0,len(lines),250):
    chunk="\n".join(lines[i:i+250])
    for name in ("plain","refined"): req("POST",f"/v1/models/{name}/examples",chunk,"application/x-ndjson")
    time.sleep(0.05)
time.sleep(3)
for name in ("plain","refined"):
    print(name, json.dumps(req("GET",f"/v1/models/{name}/metrics")["all"]))
rs=req("GET","/v1/models/refined/refinements")["refinements"]
print("refinements", len(rs), "promoted", sum(r["promoted"] for r in rs), "durations ms", [r["durationMs"] for r in rs])
print([ (r["status"], round(r["liveLoss"] or 0,4), round(r["challengerLoss"] or 0,4)) for r in rs])
p.terminate(); p.wait()
