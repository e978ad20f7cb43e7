import json,re
rows=[json.loads(l) for l in open('bsd.jsonl')]
out=[];seen=set()
for r in rows:
    d=r['diagnosticcode'].strip()
    d=re.sub(r'\s+',' ',d)
    m=re.search(r'(?<![\d.])([45]\d\d)([ -])',d)
    if m and m.start()<80:
        reply=d[m.start():]
    else:
        continue
    reply=re.sub(r'\s*\(in reply to [^)]*\)\s*$','',reply)
    if reply in seen: continue
    seen.add(reply)
    cmd={'CONN':'CONNECT','EHLO':'EHLO','HELO':'HELO','MAIL':'MAIL','RCPT':'RCPT','DATA':'END_OF_DATA','STARTTLS':'STARTTLS','AUTH':'AUTH'}.get(r['smtpcommand'],'ANY')
    mm=re.search(r'in reply to (RCPT TO|MAIL FROM|end of DATA|DATA) command',r['diagnosticcode'])
    if mm: cmd={'RCPT TO':'RCPT','MAIL FROM':'MAIL','end of DATA':'END_OF_DATA','DATA':'DATA'}[mm.group(1)]
    out.append(dict(reply=reply,sreason=r['reason'],phase=cmd,file=r['file'].split('/')[-1],status=r['deliverystatus'],rcode=r['replycode']))
json.dump(out,open('sis.json','w'),indent=0)
import collections
print(len(out),collections.Counter(o['sreason'] for o in out))
