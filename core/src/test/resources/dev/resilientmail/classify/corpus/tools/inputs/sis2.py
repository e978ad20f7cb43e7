import json,re
rows=[json.loads(l) for l in open('/tmp/cls/bsd.jsonl')]+[json.loads(l) for l in open('/tmp/cls/more.jsonl')]
seen=set(); out=[]
for r in rows:
    d=re.sub(r'\s+',' ',r['diagnosticcode'].strip())
    if not d: continue
    m=re.search(r'(?<![\d.])([45]\d\d)([ -])',d)
    if m and m.start()<80:
        reply=d[m.start():]; how='text'
    elif r['replycode'][:1] in '45' and r['replycode']:
        reply=r['replycode']+' '+d; how='replycode'
    else: continue
    reply=re.sub(r'\s*\(in reply to [^)]*\)\s*$','',reply).strip()
    if reply in seen: continue
    seen.add(reply)
    cmd={'CONN':'CONNECT','EHLO':'EHLO','HELO':'HELO','MAIL':'MAIL','RCPT':'RCPT','DATA':'END_OF_DATA','STARTTLS':'STARTTLS','AUTH':'AUTH'}.get(r['smtpcommand'],'ANY')
    mm=re.search(r'in reply to (RCPT TO|MAIL FROM|end of DATA|DATA) command',r['diagnosticcode'])
    if mm: cmd={'RCPT TO':'RCPT','MAIL FROM':'MAIL','end of DATA':'END_OF_DATA','DATA':'DATA'}[mm.group(1)]
    f=r['file'].replace('soe/','')
    out.append(dict(reply=reply,sreason=r['reason'],phase=cmd,file=f,how=how,n=r['n']))
json.dump(out,open('sis.json','w'),indent=0)
import collections
print(len(out),collections.Counter(o['sreason'] for o in out))
for i,o in enumerate(out):
    if o['sreason'] not in ('userunknown','mailboxfull','hostunknown','suspend','hasmoved','authfailure','requireptr','norelaying','mesgtoobig','virusdetected','badreputation','spamdetected'):
        print(i,o['sreason'][:8],o['phase'][:4],o['reply'][:150])
