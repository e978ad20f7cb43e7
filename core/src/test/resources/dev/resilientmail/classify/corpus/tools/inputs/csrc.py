import re,subprocess,json
def show(repo,path):
    return subprocess.run(['git','-C',f'/work/.mirror/{repo}/repo','show',f'HEAD:{path}'],capture_output=True,text=True,errors='replace').stdout
def files(repo):
    return subprocess.run(['git','-C',f'/work/.mirror/{repo}/repo','ls-tree','-r','--name-only','HEAD'],capture_output=True,text=True).stdout.split('\n')
targets={
 'vdukhovni+postfix':[f for f in files('vdukhovni+postfix') if re.search(r'src/(smtpd|postscreen|cleanup|local|virtual|smtp|qmgr|global)/[^/]+\.c$',f)],
 'Exim+exim':[f for f in files('Exim+exim') if re.search(r'^src/src/(smtp_in|acl|receive|verify|deliver|smtp_out|transport|auths/[^/]+|transports/[^/]+|routers/[^/]+)\.c$',f)],
 'OpenSMTPD+OpenSMTPD':[f for f in files('OpenSMTPD+OpenSMTPD') if re.search(r'usr\.sbin/smtpd/(smtp_session|lka_filter|smtp|mta_session)\.c$',f)],
 'notqmail+notqmail':[f for f in files('notqmail+notqmail') if re.search(r'^qmail-(smtpd|remote|local)\.c$',f)],
}
pat=re.compile(r'"([45]\d\d)([ -])((?:[245]\.\d{1,3}\.\d{1,3})?[^"\\]*(?:\\.[^"\\]*)*)"')
rows=[]; seen=set()
for repo,fs in targets.items():
    for f in fs:
        src=show(repo,f)
        for m in pat.finditer(src):
            code,sep,rest=m.groups()
            text=rest.replace('\\r','').replace('\\n','').replace('\\"','"').strip()
            if len(text)<4: continue
            reply=f"{code} {text}"
            # fill printf placeholders
            reply=re.sub(r'%l?[ud]','1',reply)
            reply=re.sub(r'%\.?\*?s','example',reply)
            reply=re.sub(r'%[^ ]','x',reply)
            if reply in seen: continue
            seen.add(reply)
            rows.append(dict(reply=reply,repo=repo,file=f))
json.dump(rows,open('csrc.json','w'),indent=0)
import collections
print(len(rows),collections.Counter(r['repo'] for r in rows))
for r in rows: print(r['repo'][:6], r['reply'][:130])
