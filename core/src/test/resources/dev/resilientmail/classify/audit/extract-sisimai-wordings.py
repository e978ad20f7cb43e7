import re, os, sys, glob
SRC='/tmp/c3audit'
# sisimai reason -> (basic code, phase, acceptable reasons of ours)
M={
 'authfailure':('550','END_OF_DATA',['SENDER_AUTHENTICATION']),
 'badreputation':('550','MAIL',['SENDER_BLOCKED']),
 'blocked':('550','CONNECT',['SENDER_BLOCKED']),
 'contenterror':('550','END_OF_DATA',['CONTENT_REJECTED']),
 'exceedlimit':('552','END_OF_DATA',['MESSAGE_TOO_LARGE']),
 'expired':('451','ANY',['SYSTEM_ERROR','UNKNOWN','CONNECTION_FAILED']),
 'filtered':('550','RCPT',['SENDER_BLOCKED','CONTENT_REJECTED','MAILBOX_UNKNOWN']),
 'hasmoved':('550','RCPT',['MAILBOX_UNKNOWN']),
 'hostunknown':('550','RCPT',['DOMAIN_NOT_FOUND']),
 'mailboxfull':('552','RCPT',['MAILBOX_FULL']),
 'mailererror':('550','ANY',['SYSTEM_ERROR','UNKNOWN']),
 'mesgtoobig':('552','END_OF_DATA',['MESSAGE_TOO_LARGE']),
 'networkerror':('451','ANY',['SYSTEM_ERROR','CONNECTION_FAILED','DOMAIN_NOT_FOUND']),
 'norelaying':('554','RCPT',['RELAY_DENIED']),
 'notaccept':('550','RCPT',['DOMAIN_NOT_FOUND']),
 'notcompliantrfc':('550','END_OF_DATA',['CONTENT_REJECTED']),
 'policyviolation':('550','END_OF_DATA',['CONTENT_REJECTED','SENDER_BLOCKED']),
 'rejected':('550','MAIL',['SENDER_BLOCKED','DOMAIN_NOT_FOUND']),
 'requireptr':('550','CONNECT',['SENDER_BLOCKED']),
 'securityerror':('535','AUTH',['AUTHENTICATION_REQUIRED']),
 'spamdetected':('550','END_OF_DATA',['CONTENT_REJECTED']),
 'spandetected':('550','END_OF_DATA',['CONTENT_REJECTED']),
 'speeding':('450','MAIL',['RATE_LIMITED']),
 'suspend':('550','RCPT',['MAILBOX_UNKNOWN']),
 'systemerror':('451','ANY',['SYSTEM_ERROR']),
 'systemfull':('452','ANY',['SYSTEM_ERROR']),
 'toomanyconn':('421','CONNECT',['CONNECTION_LIMIT']),
 'userunknown':('550','RCPT',['MAILBOX_UNKNOWN']),
 'virusdetected':('554','END_OF_DATA',['CONTENT_REJECTED']),
 'syntaxerror':('503','ANY',['PROTOCOL_ERROR']),
}
STR=re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|\b(\d{3,4})\b(?=\s*,)""")

# What a wording's meaning also allows in resilient-mail's vocabulary where Sisimai's reason is
# broader or files it by context (CLASSIFICATION.md section 4). Fragment of the reply -> reasons.
ALSO={
 'domain does not exist:':['DOMAIN_NOT_FOUND'],  # the words say a domain does not exist
 '5.4.310 does not exist':['DOMAIN_NOT_FOUND'],  # Microsoft 5.4.310 DNS domain does not exist
 'client host rejected: was not authenticated':['AUTHENTICATION_REQUIRED'],
 'connection dropped':['SYSTEM_ERROR'], 'connection reset by peer':['SYSTEM_ERROR','CONNECTION_FAILED'],
 'service not available, closing transmission channel':['SYSTEM_ERROR'],
 'is not allowed to send mail from':['SENDER_AUTHENTICATION'],
 "isn't in my list of allowed rcpthosts":['RELAY_DENIED'],
 'routing loop detected':['SYSTEM_ERROR'], 'too many bad commands':['PROTOCOL_ERROR'],
 'no data before greeting':['PROTOCOL_ERROR'], 'message threshold exceeded':['RATE_LIMITED'],
 '550 undefined':['UNKNOWN'], 'helo/ehlo argument is invalid':['PROTOCOL_ERROR'],
 'unusual rate of':['RATE_LIMITED'], 'email quota exceeded':['RATE_LIMITED'],
 'is not authorized to send email directly':['SENDER_BLOCKED'],
 'is not a valid rfc 5321 address':['PROTOCOL_ERROR'], 'unauthenticated email is not accepted':['SENDER_AUTHENTICATION'],
 'too many login attempts':['RATE_LIMITED'], 'cannot decode response':['PROTOCOL_ERROR'],
 'no identity changes permitted':['PROTOCOL_ERROR'], 'unrecognized authentication type':['AUTHENTICATION_REQUIRED'],
 'must issue a starttls command first':['AUTHENTICATION_REQUIRED'],
 'multiple destination domains per transaction':['PROTOCOL_ERROR'],
 'domain policy size per transaction exceeded':['TOO_MANY_RECIPIENTS'], 'too many recipients':['TOO_MANY_RECIPIENTS'],
 "we weren't able to find the recipient domain":['DOMAIN_NOT_FOUND'], 'host unreachable':['SYSTEM_ERROR'],
 'insufficient disk space':['SYSTEM_ERROR'], 'not sufficient disk space':['SYSTEM_ERROR'],
 '4.4.2 connection dropped':['SYSTEM_ERROR'], 'too many related errors':['SYSTEM_ERROR'],
 'agent generated message depth exceeded':['SYSTEM_ERROR'], 'client was not authenticated':['AUTHENTICATION_REQUIRED'],
 '451 4.3.2 system not accepting network messages':['SYSTEM_ERROR'], 'storedrv.deliver: missing or bad':['SYSTEM_ERROR'],
 '5.1.7 invalid address':['PROTOCOL_ERROR'], '5.1.7 unknown sender address':['PROTOCOL_ERROR'],
 'spam abuse detected':['CONTENT_REJECTED'], 'rfc 5322 section 3.6.2 compliant':['CONTENT_REJECTED'],
 'recipient thread limit exceeded':['CONNECTION_LIMIT'], 'has exceeded permitted limits':['SENDER_BLOCKED'],
 'traffic not accepted from this ip':['SENDER_BLOCKED'], 'not supported when journaling':['PROTOCOL_ERROR'],
 'helo / ehlo requires domain address':['PROTOCOL_ERROR'], '4.7.500 server busy':['RATE_LIMITED'],
 'exceeded their limit for':['RATE_LIMITED'], 'invalid recipient address':['PROTOCOL_ERROR'],
 'invalid x.400 address':['DOMAIN_NOT_FOUND'], 'internal resources are temporarily unavailable':['SYSTEM_ERROR'],
 'recipient temporarily unavailable':['SYSTEM_ERROR'], 'account service is temporarily unavailable':['SYSTEM_ERROR'],
 'email address is not verified':['AUTHENTICATION_REQUIRED'], 'protocol violation':['PROTOCOL_ERROR'],
 'from: domain is invalid':['CONTENT_REJECTED'], 'fully qualified email address required':['PROTOCOL_ERROR'],
 'empty email address':['PROTOCOL_ERROR'], 'dns lookup failure':['SYSTEM_ERROR'], 'insecure mail relay':['RELAY_DENIED'],
 "the domain isn't in my list of allowed rcpthosts":['RELAY_DENIED'], 'blocked for abuse':['SENDER_BLOCKED'],
 'listed in work.drbl':['SENDER_BLOCKED'], 'sender domain listed at':['SENDER_BLOCKED'], 'is blacklisted on':['SENDER_BLOCKED'],
 'mail rejected. kijitora506':['SENDER_BLOCKED'], 'exceeded storage allocation':['MAILBOX_FULL'], 'suspected spam':['CONTENT_REJECTED'],
 'frequency limited':['RATE_LIMITED'], 'dane validation':['SYSTEM_ERROR'], 'invalid dnssec records':['SYSTEM_ERROR'],
 'certificate-host-mismatch':['SYSTEM_ERROR'], 'certificate is expired':['SYSTEM_ERROR'], 'max emails per hour':['RATE_LIMITED'], 'throttling failure':['RATE_LIMITED'],
 'too many errors from your ip':['PROTOCOL_ERROR'], 'recipient refuses to accept your mail':['SENDER_BLOCKED'],
 "that domain or user isn't in my list of allowed rcpthosts":['RELAY_DENIED'],
}
def widen(reply, acc):
    low=reply.lower()
    for frag, extra in ALSO.items():
        if frag in low:
            acc=acc+[r for r in extra if r not in acc]
    return acc
rows=[]
def add(module, reason, basic, enh, text):
    reason=reason.lower()
    if reason not in M: return
    b,ph,acc=M[reason]
    if enh and not basic: basic = ('451' if enh.startswith('4') else '550')
    if not basic: basic=b
    if basic.startswith('4') and b.startswith('5') and reason in ('userunknown','hostunknown','suspend','hasmoved','notaccept','authfailure','blocked','rejected','requireptr'):
        pass
    text=text.replace('\\"','"').replace("\\'","'").strip()
    if len(text) < 4: return
    reply=' '.join(x for x in [basic, enh, text] if x)
    rows.append((module, reason, ','.join(widen(reply, list(acc))), ph, reply))
for f in sorted(glob.glob(SRC+'/*.pm')):
    name=os.path.basename(f)[:-3]
    src=open(f).read()
    src=src.split('\n__END__')[0]
    lines=[re.sub(r'\s#.*$','',l) for l in src.split('\n') if not l.strip().startswith('#')]
    if not name.endswith('.rhost'):
        reason=name.lower()
        mode=None
        for l in lines:
            if re.search(r'state \$index', l): mode='index'; continue
            if re.search(r'state \$pairs', l): mode='pairs'; continue
            if re.search(r'state \$', l): mode=None; continue
            if re.match(r'\s*\];', l): mode=None; continue
            if mode=='index':
                for m in STR.finditer(l):
                    s=m.group(1) if m.group(1) is not None else m.group(2)
                    if s: add('Reason/'+name, reason, None, None, s)
            elif mode=='pairs':
                ss=[(m.group(1) if m.group(1) is not None else m.group(2)) for m in STR.finditer(l) if (m.group(1) or m.group(2))]
                if len(ss)>=2:
                    a,b2=ss[0],ss[1]
                    if a.endswith('<') or a.endswith('rcpt <'): fill='kijitora@example.jp'
                    elif a.endswith(' ') or b2.startswith(' '): fill='kijitora'
                    else: fill=' '
                    add('Reason/'+name+' (pair)', reason, None, None, a+fill+b2)
    else:
        mod='Rhost/'+name[:-6]
        reason=None
        for l in lines:
            m=re.match(r"\s*'(\w+)'\s*=>\s*\[(.*)$", l)
            if m:
                reason=m.group(1); l=m.group(2)
            if reason is None: continue
            vals=[]
            for mm in STR.finditer(l):
                if mm.group(3): vals.append(mm.group(3))
                else: vals.append(mm.group(1) if mm.group(1) is not None else mm.group(2))
            if not vals: continue
            basic=enh=None; texts=[]
            for v in vals:
                if re.fullmatch(r'[245]\d\d', v or ''): basic=v
                elif re.fullmatch(r'[245]\.\d{1,3}\.\d{1,3}', v or ''): enh=v
                elif v and re.search('[a-zA-Z]{3}', v): texts.append(v)
            for t in texts:
                if re.fullmatch(r'[245]\d\d .*', t): add(mod, reason, None, None, t)
                else: add(mod, reason, basic, enh, t)
seen=set(); out=[]
for r in rows:
    if r[4].lower() in seen: continue
    seen.add(r[4].lower()); out.append(r)
print('\n'.join('\t'.join(r) for r in out))
print(len(out), file=sys.stderr)
