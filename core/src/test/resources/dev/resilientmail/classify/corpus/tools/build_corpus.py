"""Builds the project's corpus of real SMTP replies with labels written by CLASSIFICATION.md.

Inputs (public, each row keeps its source): Sisimai set-of-emails (BSD-2, decoded with Sisimai),
documented provider replies quoted in Sisimai's lib/Sisimai/Rhost/*.pm (BSD-2), ActiveCampaign's
smtp-field-manual (MIT), reply strings of MTA sources (Postfix, Exim, OpenSMTPD, notqmail), replies
quoted on public pages, and the shared 99 rows. Labels: labels.py (by hand) and the mapping of
Sisimai's own reason for the unreviewed Sisimai rows; kind and retry follow from code and reason by
CLASSIFICATION.md section 2. The held-out third is fixed by a hash of the reply text.
"""
import hashlib, json, os, re, sys
# labels.py beside this script; the extracted inputs (csrc.json, sis.json, ...) in inputs/ beside it (the
# extractors that wrote them from mirrored repositories are there too); the shared rows in ../shared/data
# beside the project (RESILIENT_MAIL_SHARED overrides)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
INPUTS = os.path.join(HERE, 'inputs')
ROOT = os.path.abspath(os.path.join(HERE, *(['..'] * 9)))
SHARED = os.environ.get('RESILIENT_MAIL_SHARED', os.path.join(os.path.dirname(ROOT), 'shared', 'data'))
from labels import R, P, CSRC, RHOST, SFM, SIS, SISIMAI, PAGES, MADDY, HARAKA, PFREF, ADDED

POLICY = {'SENDER_BLOCKED', 'SENDER_AUTHENTICATION', 'AUTHENTICATION_REQUIRED', 'RELAY_DENIED', 'CONTENT_REJECTED'}
LATER = re.compile(r'try (again )?later|retry later|try again in|please try again|essayer plus tard', re.I)

def parse_label(label):
    force = None
    if '!' in label:
        label, force = label.split('!')
    phase, reason = label.split()
    return P[phase], reason, force

def code_of(reply):
    m = re.match(r'([245]\d\d)', reply)
    return int(m.group(1)) if m else None

def kinds(code, reason_abbr, phase, text, force):
    reason = R[reason_abbr]
    transient = code // 100 == 4
    if code // 100 == 5:
        if reason == 'RATE_LIMITED':
            transient = True
        if reason == 'TOO_MANY_RECIPIENTS' and code == 552 and phase == 'RCPT':
            transient = True
        if reason in ('SYSTEM_ERROR', 'UNKNOWN', 'GREYLISTED', 'CONNECTION_LIMIT') and LATER.search(text):
            transient = True
    policy = reason in POLICY
    if force == 'P':
        policy = True
    if force == 'N':
        policy = False
    def name(t, p):
        return ('POLICY_' if p else '') + ('TRANSIENT' if t else 'PERMANENT')
    main = name(transient, policy)
    acceptable = [main]
    if reason_abbr == 'FM':
        acceptable = [name(transient, False), name(transient, True)]
        main = acceptable[0]
    return main, acceptable, reason, transient

def clean(reply):
    reply = re.sub(r'\s+', ' ', reply).strip()
    reply = re.sub(r'\s*\(in reply to [^)]*\)\)?,?\s*$', '', reply)
    # a reply Sisimai or a DSN repeated twice in one field
    half = len(reply) // 2
    if len(reply) % 2 == 1 and reply[:half] == reply[half + 1:]:
        reply = reply[:half]
    return reply

rows = []
def add(reply, label, source, provider):
    reply = clean(reply)
    m = re.search(r'(?<![\d.])[245]\d\d[ -]', reply)
    if m and m.start() > 0 and m.start() < 200 and not re.match(r'[245]\d\d', reply):
        reply = reply[m.start():]
    code = code_of(reply)
    if code is None or code < 400:
        return
    phase, reason_abbr, force = parse_label(label)
    kind, acceptable, reason, transient = kinds(code, reason_abbr, phase, reply, force)
    rows.append(dict(reply=reply, phase=phase, kind=kind, acceptable_kinds=acceptable, reason=reason,
                     retry='yes' if transient else 'no', source=source, provider=provider))

shared = [json.loads(l) for l in open(os.path.join(SHARED, 'replies-public.jsonl'))]
SHARED_REASONS = {"sender-blocked/blacklisted": "SENDER_BLOCKED", "mailbox-unknown": "MAILBOX_UNKNOWN",
    "system-error": "SYSTEM_ERROR", "spam/content-rejected": "CONTENT_REJECTED",
    "dmarc/spf/dkim failure": "SENDER_AUTHENTICATION", "syntax-error": "PROTOCOL_ERROR", "rate-limited": "RATE_LIMITED",
    "mailbox-full": "MAILBOX_FULL", "authentication-required": "AUTHENTICATION_REQUIRED",
    "message-too-large": "MESSAGE_TOO_LARGE", "domain-not-found": "DOMAIN_NOT_FOUND", "relay-denied": "RELAY_DENIED",
    "greylisted": "GREYLISTED", "too-many-recipients": "TOO_MANY_RECIPIENTS", "connection-limit": "CONNECTION_LIMIT"}
for r in shared:
    acceptable = list(r['acceptable_classes'])
    retryable = r['retry'] == 'yes'
    kind = r['expected_class']
    if (kind in ('TRANSIENT', 'POLICY_TRANSIENT')) != retryable:
        # one retry notion: a 5xx limit that resets is transient
        kind = [k for k in acceptable if (k in ('TRANSIENT', 'POLICY_TRANSIENT')) == retryable][0]
    rows.append(dict(reply=r['reply'], phase=r['phase'], kind=kind, acceptable_kinds=acceptable,
                     reason=SHARED_REASONS.get(r["reason_brief"], "UNKNOWN"), retry=r['retry'], source=r['source'],
                     provider=r['server_or_provider'], shared_id=r['id']))


def mta(repo):
    return {'vdukhovni+postfix': 'Postfix', 'Exim+exim': 'Exim', 'OpenSMTPD+OpenSMTPD': 'OpenSMTPD',
            'notqmail+notqmail': 'qmail (notqmail)'}[repo]

csrc = json.load(open(os.path.join(INPUTS, 'csrc.json')))
for i, label in CSRC.items():
    r = csrc[i]
    add(r['reply'], label, 'https://github.com/%s/blob/HEAD/%s (reply string; printf arguments filled in)'
        % (r['repo'].replace('+', '/'), r['file']), mta(r['repo']))

rhost = json.load(open(os.path.join(INPUTS, 'rhost.json')))
PROVIDER = {'Apple.pm': 'Apple iCloud', 'FrancePTT.pm': 'Orange / La Poste', 'GoDaddy.pm': 'GoDaddy',
            'Google.pm': 'Google Gmail / Workspace', 'Microsoft.pm': 'Microsoft 365', 'YahooInc.pm': 'Yahoo / AOL'}
for i, label in RHOST.items():
    r = rhost[i]
    add(r['reply'], label, '%s (documented reply, quoted in https://github.com/sisimai/p5-sisimai/blob/5-stable/lib/Sisimai/Rhost/%s)'
        % (r['see'][0] if r['see'] else 'provider documentation', r['file']), PROVIDER[r['file']])

sfm = json.load(open(os.path.join(INPUTS, 'sfm.json')))
for i, label in SFM.items():
    r = sfm[i]
    reply = re.sub(r'^SMTP;\s*', '', r['reply'])
    add(reply, label, 'https://github.com/ActiveCampaign/smtp-field-manual/blob/main/data/codes/%s (observed reply, provider %s)'
        % (r['file'], r['provider']), r['provider'])

sis = json.load(open(os.path.join(INPUTS, 'sis.json')))
for i, r in enumerate(sis):
    if i in SIS:
        label = SIS[i]
        if label is None:
            continue
    else:
        abbr = SISIMAI.get(r['sreason'])
        if abbr is None:
            continue
        label = (r['phase'] and {v: k for k, v in P.items()}[r['phase']]) + ' ' + abbr
    how = '' if r['how'] == 'text' else '; reply code from the DSN, text from its Diagnostic-Code'
    lhost = re.sub(r'^(lhost|rhost|arf|rfc\d+)-', '', r['file']).split('-')[0]
    add(r['reply'], label, 'https://github.com/sisimai/set-of-emails/blob/master/%s (real bounce, anonymised by Sisimai%s)'
        % (r['file'], how), 'bounce: ' + lhost)

maddy = open(os.path.join(INPUTS, 'maddy.txt')).read().split('\n')
for i, label in MADDY.items():
    add(maddy[i], label, 'https://github.com/foxcpp/maddy (exterrors.SMTPError reply in internal/; code, enhanced code and message as sent)', 'maddy')
haraka = json.load(open(os.path.join(INPUTS, 'haraka.json')))
for i, label in HARAKA.items():
    add(haraka[i]['reply'], label, 'https://github.com/haraka/Haraka/blob/master/%s (respond() reply)' % haraka[i]['file'], 'Haraka')
pfref = open(os.path.join(INPUTS, 'pfref2.txt')).read().split('\n')
for i, label in PFREF.items():
    add(pfref[i], label, 'https://github.com/vdukhovni/postfix/tree/master/postfix/src/smtpd (smtpd_check regression output *.ref; real Postfix replies)', 'Postfix')

for source, label, reply in PAGES:
    add(reply, label, source, 'page: ' + re.sub(r'https?://(www\.)?', '', source).split('/')[0])

for source, provider, label, reply in ADDED:
    add(reply, label, source, provider)

seen = set(); out = []
for r in rows:
    key = re.sub(r'\s+', ' ', r['reply'].replace('\n', ' ')).lower()
    if key in seen:
        continue
    seen.add(key)
    digest = hashlib.sha256(r['reply'].encode('utf-8')).hexdigest()
    r['part'] = 'held-out' if int(digest[:8], 16) % 3 == 0 else 'tuned'
    r['id'] = 'r' + digest[:10]
    out.append(r)
path = sys.argv[1]
with open(path, 'w') as f:
    for r in out:
        f.write(json.dumps({k: r[k] for k in ('id', 'part', 'reply', 'phase', 'kind', 'acceptable_kinds', 'reason',
                            'retry', 'provider', 'source') + (('shared_id',) if 'shared_id' in r else ())},
                           ensure_ascii=False) + '\n')
import collections
print(len(out), collections.Counter(r['part'] for r in out))
print(sorted(collections.Counter(r['reason'] for r in out).items(), key=lambda x: x[1]))
print(len(set(r['provider'] for r in out)), 'providers')
