"""Hold-out figures of the bounce parser: the samples of sisimai/set-of-emails maildir/bsd/ that
Sisimai's own tests label (p5-sisimai t/6xx-lhost-*.t, t/3xx-rhost-*.t) and that are not in
bounces-public/ (never used for tuning), run through `bounce --tsv`.

usage: python3 bounce-holdout.py P5_SISIMAI_GIT SET_OF_EMAILS_GIT CORE_CLASSES WORK_DIR
  (git directories of sisimai/p5-sisimai and sisimai/set-of-emails, BSD-2; core/target/classes;
  where the samples are written)

Recipients found counts, per file, the recipients found up to the number Sisimai's test expects;
status, reply code and reason compare the i-th expected entry with the i-th line we print.
Sisimai's reasons are mapped to ours by the table in bounces-public/README.md (coarse).
"""
import json, os, re, subprocess, sys
P5, SOE, classes, out = (os.path.abspath(a) for a in sys.argv[1:5])
PUB = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'resources', 'bounces-public')
os.makedirs(out, exist_ok=True)
def git(*a, repo=P5):
    return subprocess.run(['git', '-C', repo] + list(a), capture_output=True, text=True).stdout
known = set(os.listdir(PUB))
for l in open(PUB + '/labels.jsonl'):
    d = json.loads(l)
    for f in d.get('same_file_as') or []:
        known.add(os.path.basename(f))
tests = [t for t in git('ls-tree', '--name-only', 'HEAD', 't/').split() if re.match(r't/(6\d\d-lhost|3\d\d-rhost)-', t)]
expected = {}
for t in tests:
    src = git('show', 'HEAD:' + t)
    m = re.search(r"my \$enginename = '([^']+)'", src)
    if not m:
        continue
    prefix = 'rhost' if '-rhost-' in t else 'lhost'
    name = m.group(1).lower()
    for key, body in re.findall(r"'(\d+)'\s*=>\s*\[(.*?)\]\s*,\s*\n", src):
        entries = re.findall(r"\[\s*'([^']*)'\s*,\s*'([^']*)'\s*,\s*'([^']*)'", body)
        f = '%s-%s-%02d.eml' % (prefix, name, int(key))
        expected[f] = entries
files = sorted(f for f in expected if f not in known)
blobs = set(git('ls-tree', '--name-only', 'HEAD', 'maildir/bsd/', repo=SOE).split())
present = []
for f in files:
    path = 'maildir/bsd/' + f
    if path not in blobs:
        continue
    data = subprocess.run(['git', '-C', SOE, 'show', 'HEAD:' + path], capture_output=True).stdout
    open(os.path.join(out, f), 'wb').write(data)
    present.append(f)
res = subprocess.run(['java', '-cp', classes, 'dev.resilientmail.cli.Bounce', '--tsv'] + present, cwd=out,
                     capture_output=True, text=True).stdout.splitlines()[1:]
ours = {}
for line in res:
    c = line.split('\t')
    ours.setdefault(c[0], []).append(c)
MAP = {'userunknown': 'MAILBOX_UNKNOWN', 'hasmoved': 'MAILBOX_UNKNOWN', 'suspend': 'MAILBOX_UNKNOWN',
       'mailboxfull': 'MAILBOX_FULL', 'speeding': 'RATE_LIMITED', 'ratelimited': 'RATE_LIMITED',
       'toomanyconn': 'CONNECTION_LIMIT', 'mesgtoobig': 'MESSAGE_TOO_LARGE', 'exceedlimit': 'MESSAGE_TOO_LARGE',
       'spamdetected': 'CONTENT_REJECTED', 'virusdetected': 'CONTENT_REJECTED', 'contenterror': 'CONTENT_REJECTED',
       'notcompliantrfc': 'CONTENT_REJECTED', 'authfailure': 'SENDER_AUTHENTICATION', 'blocked': 'SENDER_BLOCKED',
       'rejected': 'SENDER_BLOCKED', 'badreputation': 'SENDER_BLOCKED', 'requireptr': 'SENDER_BLOCKED',
       'securityerror': 'AUTHENTICATION_REQUIRED', 'norelaying': 'RELAY_DENIED', 'hostunknown': 'DOMAIN_NOT_FOUND',
       'notaccept': 'DOMAIN_NOT_FOUND', 'systemerror': 'SYSTEM_ERROR', 'systemfull': 'SYSTEM_ERROR',
       'mailererror': 'SYSTEM_ERROR', 'networkerror': 'SYSTEM_ERROR', 'expired': 'SYSTEM_ERROR',
       'syntaxerror': 'PROTOCOL_ERROR', 'filtered': 'MAILBOX_UNKNOWN', 'policyviolation': 'SENDER_BLOCKED'}
SKIP = {'delivered', 'feedback', 'vacation', 'undefined', 'onhold'}
rows = found = st_n = st_ok = rc_n = rc_ok = rs_n = rs_ok = 0
misses = []
for f in present:
    exp = [e for e in expected[f] if e[2] not in SKIP]
    got = ours.get(f, [])
    rows += len(exp)
    found += min(len(exp), len(got))
    if len(got) < len(exp):
        misses.append('%s: %d of %d found' % (f, len(got), len(exp)))
    for i, (status, code, reason) in enumerate(exp):
        g = got[i] if i < len(got) else None
        if status and not re.match(r'\d\.0\.9\d\d', status):
            st_n += 1; st_ok += bool(g and g[3] == status)
        if code:
            rc_n += 1; rc_ok += bool(g and g[4] == code)
        if reason in MAP:
            rs_n += 1; rs_ok += bool(g and g[6] == MAP[reason])
pct = lambda a, b: '%d/%d %.1f %%' % (a, b, 100.0 * a / b if b else 0)
print('files', len(present), 'rows', rows)
print('recipients found', pct(found, rows))
print('status exact', pct(st_ok, st_n))
print('reply code', pct(rc_ok, rc_n))
print('reason', pct(rs_ok, rs_n))
for m in misses:
    print('  miss', m)
