import re,glob,json,os
out=[]
for f in sorted(glob.glob('sis/lib/Sisimai/Rhost/*.pm')):
    txt=open(f,encoding='utf-8',errors='replace').read().split('\n')
    see=[l.split('@see',1)[1].strip() for l in txt if '@see' in l]
    reason=None; cur=None; urls=[]
    def flush():
        global cur
        if cur:
            out.append(dict(reply=' '.join(cur['t']).strip(), sreason=cur['r'], file=os.path.basename(f), see=see))
        cur=None
    for l in txt:
        m=re.match(r"\s*'([a-z]+)'\s*=>\s*\[",l)
        if m: flush(); reason=m.group(1); continue
        m=re.match(r"\s*#\s*-\s*(.*)$",l)
        if m:
            flush()
            body=m.group(1).strip()
            if re.match(r'^[245]\d\d[ -]',body):
                cur={'t':[body],'r':reason}
            continue
        m=re.match(r"\s*#\s{2,}(.*)$",l)
        if m and cur:
            cur['t'].append(m.group(1).strip()); continue
        flush()
    flush()
seen=set(); res=[]
for r in out:
    if r['reply'] in seen: continue
    seen.add(r['reply']); res.append(r)
json.dump(res,open('rhost.json','w'),indent=0)
import collections
print(len(res), collections.Counter(r['file'] for r in res), collections.Counter(r['sreason'] for r in res))
for r in res[:5]: print(r)
