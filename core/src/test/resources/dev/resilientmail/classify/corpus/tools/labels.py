# Hand-written labels (CLASSIFICATION.md), written before the rules were tuned on these rows.
# Abbreviations of FailureReason names:
R = dict(MU='MAILBOX_UNKNOWN', MF='MAILBOX_FULL', GL='GREYLISTED', RL='RATE_LIMITED', CL='CONNECTION_LIMIT',
         TR='TOO_MANY_RECIPIENTS', TL='MESSAGE_TOO_LARGE', CR='CONTENT_REJECTED', FM='CONTENT_REJECTED',
         SA='SENDER_AUTHENTICATION', SB='SENDER_BLOCKED', AR='AUTHENTICATION_REQUIRED', RD='RELAY_DENIED',
         DN='DOMAIN_NOT_FOUND', SE='SYSTEM_ERROR', PE='PROTOCOL_ERROR', UN='UNKNOWN')
# FM = CONTENT_REJECTED for a non-compliant message format: PERMANENT or POLICY_PERMANENT both acceptable.
# A trailing '!P' forces the policy variant of the kind (reputation-tied throttling), '!N' forces non-policy.
P = {'C': 'CONNECT', 'E': 'EHLO', 'H': 'HELO', 'S': 'STARTTLS', 'A': 'AUTH', 'M': 'MAIL', 'R': 'RCPT', 'D': 'DATA',
     'Z': 'END_OF_DATA', '*': 'ANY'}

# csrc.json: reply strings from MTA sources (index: "phase reason")
CSRC = {8:'C SE',9:'C CL',10:'C CL',13:'C CL',14:'* PE',15:'* PE',16:'H PE',17:'E PE',18:'S PE',19:'S PE',20:'* PE',
21:'M PE',22:'M PE',23:'M PE',24:'M PE',25:'R PE',26:'R PE',27:'R PE',28:'D PE',29:'D PE',30:'D PE',31:'* PE',32:'* PE',
33:'* PE',34:'* PE',35:'* PE',36:'* SE',38:'* PE',39:'M AR',40:'* SE',41:'C UN',42:'S SE',43:'C SE',44:'R SE',46:'* SE',
47:'A RL',48:'* PE',49:'M RL',50:'M PE',51:'M TL',53:'M PE',54:'M PE',55:'M PE',56:'M PE',59:'* PE',60:'R RL',61:'R PE',
62:'R PE',63:'R TR',64:'* PE',65:'* SE',66:'* PE',67:'* PE',68:'* PE',70:'Z TL',71:'* PE',72:'* PE',74:'M PE',75:'M PE',
76:'* PE',77:'* PE',79:'* PE',86:'S RL',88:'* SE',89:'S RL',90:'* SE',91:'* SE',92:'* PE',93:'C CL',94:'C SB',95:'* PE',
96:'* PE',97:'* PE',98:'* PE',99:'* SB',100:'* PE',102:'* SE',103:'* SE',104:'A PE',105:'A AR',106:'A SE',107:'A AR',
108:'A PE',109:'A AR',110:'A PE',111:'A PE',112:'A PE',113:'M PE',
116:'Z FM',117:'Z FM',118:'Z FM',119:'Z SE',120:'Z TL',121:'Z SE',122:'Z SE',123:'Z SE',125:'* SE',126:'* SE',127:'M PE',
128:'M PE',130:'R PE',131:'R PE',132:'R PE',133:'D PE',134:'D PE',135:'* PE',136:'* PE',137:'* PE',138:'C SB',140:'C CL',
141:'C SE',142:'* PE',145:'A PE',146:'A AR',147:'A PE',148:'A AR',150:'A SE',152:'R PE',154:'H PE',155:'M RL',156:'M SE',
157:'M PE',158:'R PE',159:'R TR',160:'R TR',161:'D PE',162:'Z TR',164:'R SE',167:'S SE',169:'* SE',171:'* SE',172:'* PE',
174:'R PE',175:'R MU',
176:'* SE',177:'* SE',178:'* SE',179:'* PE',180:'* PE',181:'* PE',182:'* PE',183:'* PE',184:'H PE',185:'H PE',186:'H PE',
187:'E PE',188:'A PE',189:'* PE',190:'* PE',191:'S PE',192:'* PE',193:'M AR',194:'M AR',195:'M RL',196:'M PE',197:'R TR',
198:'R PE',199:'D PE',200:'* PE',201:'A AR',202:'* PE',203:'* PE',204:'A AR',206:'M PE',208:'R PE',209:'* PE',210:'Z TL',
211:'Z SE',212:'Z FM',
213:'D SE',214:'* SE',215:'* SE',216:'* SE',217:'Z PE',218:'M SB',219:'R RD',220:'* PE',221:'* PE',222:'R PE',223:'D PE',
224:'Z SE',225:'Z SE',226:'Z TL'}

# rhost.json: documented provider replies quoted in Sisimai's lib/Sisimai/Rhost/*.pm
RHOST = {0:'Z SA',1:'Z SA',2:'C SB',3:'Z SB',4:'M SB',5:'C SB',6:'R MU',7:'R MF',8:'R RD',9:'Z CR',10:'M DN',11:'R RL',
12:'R MU',13:'R MU',14:'C SB',15:'C SB',16:'M SB',17:'C SB',18:'C CL',19:'A AR',20:'M SA',21:'M AR',23:'R MU',24:'R MF',
25:'R MU',26:'R MU',27:'Z SE',28:'Z SE',30:'Z SA',31:'R SB',32:'C SB',33:'M SA',34:'A AR',35:'Z FM',36:'Z FM',37:'Z FM',
38:'M SA',39:'C SB',40:'Z CR',41:'Z CR',42:'R TR',43:'C CL',44:'C SE',45:'C SB',46:'C SB',47:'C SB',48:'C SB',49:'M RL',
50:'M RL',51:'R RL',52:'C SB',53:'C SB',54:'C SB',55:'C SB',56:'C SB',58:'Z CR',59:'R MU',60:'M SA',61:'M SA',62:'Z SA',
63:'Z SA',64:'Z SA',65:'Z SA',66:'Z SA',67:'Z SA',68:'Z SA',69:'Z SA',70:'Z SA',71:'Z SA',72:'Z SB',73:'Z SB',74:'R SB',
76:'H PE',77:'M RL!P',78:'M SB',79:'M RL!P',80:'Z TL',81:'Z TL',82:'Z TL',83:'* SE',84:'* SE',85:'R MF',86:'R MF',87:'Z TL',
88:'Z TL',89:'Z SE',90:'R RD',91:'R RD',92:'C SB',93:'Z FM',94:'Z FM',95:'Z FM',96:'Z FM',97:'Z FM',98:'M PE',99:'Z FM',
100:'Z CR',101:'Z CR',102:'R SB',103:'Z CR!P',104:'M SB',105:'C SB',106:'C SB',107:'Z SB',108:'C SB',109:'C SB',110:'R AR',
111:'A RL',112:'M PE',113:'M AR',114:'A AR',115:'A AR',116:'A AR',117:'Z AR',118:'Z CR',119:'Z CR',120:'R RL',121:'M RL',
122:'R RL',123:'M RL',124:'R MU',125:'S PE',126:'A PE',127:'S PE',128:'* PE',129:'* PE',130:'M AR',132:'R TR',133:'A SE',
134:'R TR',135:'R MU',136:'R DN',137:'R PE',138:'M SB',139:'Z SA',140:'M SB',141:'M SB',142:'R RD',143:'Z CR',144:'Z CR',
145:'M RL!P',146:'M DN',147:'M SB',148:'M SB',149:'R RL',150:'R MU',151:'R MU',152:'* PE',154:'R MU',155:'Z MU'}

# sfm.json: ActiveCampaign smtp-field-manual observed replies
SFM = {0:'Z SB',1:'Z CR',2:'M RL!P',4:'C UN',6:'M RL!P',7:'C SE',8:'* SE',9:'* PE',10:'R RL',11:'R RL',12:'R RL',13:'R RL',
14:'R RL',15:'R DN',18:'Z SE',19:'* SE',20:'* SE',21:'* SE',22:'Z SE',23:'* SE',24:'M SB',25:'M SB',26:'* SE',29:'R MF',
30:'R SE',31:'* SE',33:'* SE',34:'R RL',35:'R MF',36:'R RL',37:'R PE',38:'* PE',39:'* PE',40:'R PE',42:'R MU',44:'R MU',
45:'R MU',46:'R RL',47:'Z SB',48:'Z CR',49:'Z SA',50:'Z FM',51:'R RD',52:'R MU',53:'Z CR',54:'Z SA',55:'Z SB',56:'R MU',
57:'R MU',58:'Z SA',59:'R MU',60:'R MU',61:'M SB',62:'M SB',63:'R MU',64:'R MU',65:'Z CR',67:'R SB',68:'R MU',69:'R MU',
70:'R MU',71:'M SB',72:'Z SA',73:'R MU',74:'Z CR',75:'R MF',76:'R MU',77:'Z CR',78:'R MU',80:'R MU',81:'Z CR',82:'Z CR',
83:'R SB',84:'R MU',85:'R MU',86:'Z CR',87:'M RL',88:'M SB',89:'Z SA',90:'R MU',91:'Z SA',92:'M SA',93:'Z SB',94:'R MU',
95:'C SB',96:'M SA',97:'* PE',98:'R MU',99:'C SB',100:'Z CR',101:'M SB',102:'C SB',103:'R MF',104:'C SB',105:'M DN',
106:'Z SB',107:'Z SE',108:'R DN',111:'* SE',112:'R MF',113:'Z TL',114:'Z CR',116:'Z CR',117:'R MU',118:'R MF',119:'R MF',
120:'R MF',121:'R MF',122:'R MF',123:'R MF',124:'R PE',126:'M SB',127:'M SB',128:'R RL',129:'R RL',130:'R MU',131:'R MU',
133:'Z CR',134:'Z CR',137:'R MU',138:'Z CR',139:'R RD',140:'Z CR',141:'Z CR',143:'Z CR',144:'R MF',145:'C SB',146:'C SB'}

# sis.json: Sisimai set-of-emails diagnostic codes. Reviewed rows (index: label or None to leave out);
# every other row takes the label of its Sisimai reason through SISIMAI below.
SIS = {69:'R SB',151:'M RL!P',222:'M RL!P',207:'M SB',251:None,255:None,348:'Z SB',368:None,1:'* MU',4:None,5:'* MU',8:None,9:None,10:'* SB',11:'* SB',12:'* SB',13:None,19:'* MU',20:'* SE',23:'* MU',28:'Z MU',
29:None,32:'Z CR',35:'R FM',36:'R TL',41:'R SE',44:'R DN',45:None,46:None,47:'R SB',51:'R SE',61:'* AR',63:None,66:'Z FM',
72:'C SB',73:'M DN',81:None,82:'C SB',83:'C SB',85:'E SB',86:None,87:None,88:None,90:None,96:'M SB',98:None,99:None,
100:None,102:None,106:'* MU',113:'Z MU',115:'M SB',122:'* MU',123:'* MU',125:'* MU',126:'* MU',128:'* SB',129:'Z MU',
131:'Z MU',132:'Z MU',134:'* MU',138:None,139:'* SB',140:None,142:None,161:'Z MU',164:'* MU',165:'M CL',166:'M DN',
169:'Z FM',174:'C SB',176:'R SE',177:'D PE',178:'R SB',181:'M SE',182:'R TR',183:'C UN',184:'C UN',185:None,187:'Z PE',
188:'M SB',191:'R RL',195:'M AR',196:'Z CR',197:'Z CR',202:'M RL!P',203:'Z SE',206:'Z FM',213:'M SB',214:None,217:'R SB',
227:'* MU',228:'* UN',231:'* CR',232:'* CR',233:'* TL',238:'Z MU',240:'M DN',241:'M TL',242:'Z FM',245:'Z FM',246:None,
247:None,250:None,252:'* SE',253:'Z MU',254:'* SE',259:None,261:None,262:'Z CR',264:None,265:'Z CR',268:'M SE',271:'Z FM',
272:'Z FM',276:None,278:'Z MU',280:'M AR',281:'* SE',282:None,283:'* DN',287:'* MU',288:'* SE',290:'* SE',293:None,
296:'M SB',298:None,302:None,309:'* MU',313:'* SB',314:'* SB',315:None,319:'* MU',321:'* MU',322:'* SE',323:'* SE',
324:'* SB',325:None,329:'* PE',330:None,331:'* MU',332:'* SE',333:'* SE',335:'* MU',337:'* MU',344:'Z SE',345:'M SB',
346:'* SB',350:'C SB',351:'C SB',352:'Z SE',353:None,354:None,355:'R SB',356:'R SB',357:'R RL',365:'Z FM',366:None,
369:'Z SB',374:'Z SA',375:'R SB',377:'Z MU',378:'Z MU',379:'* SB',380:'Z RL',381:'Z RL',384:'Z CR',385:'R CR',386:None,
389:'Z MU',404:'Z MU',406:'Z CR',409:None,414:'E MU'}
SISIMAI = dict(userunknown='MU', mailboxfull='MF', hostunknown='DN', suspend='MU', hasmoved='MU', authfailure='SA',
               requireptr='SB', norelaying='RD', mesgtoobig='TL', exceedlimit='TL', virusdetected='CR', badreputation='SB',
               spamdetected='CR', blocked='SB', rejected='SB', notcompliantrfc='FM', contenterror='FM',
               policyviolation='CR', securityerror='AR', systemerror='SE', systemfull='SE', networkerror='SE',
               mailererror='SE', toomanyconn='CL', speeding='RL', syntaxerror='PE', notaccept='DN', filtered='MU')

# Replies quoted on public pages and in public issue threads (source, phase reason, reply)
PAGES = [
 ('https://www.simplefastwebsites.com/errors/email/smtp-451-4-7-1-greylisting-try-again-later/', 'R GL', '451 4.7.1 Greylisting in action, please try again later'),
 ('https://www.simplefastwebsites.com/errors/email/smtp-451-4-7-1-greylisting-try-again-later/', 'R GL', '451 4.7.1 <bob@example.com>: Recipient address rejected: Greylisted, try again in 300 seconds'),
 ('https://knowledge.broadcom.com/external/article/169944/email-securitycloud-infrastructure-is-gr.html', 'R GL', '451 4.7.1 Greylisting in action, please come back later'),
 ('https://ac.roguewd.com/index.php?rp=/knowledgebase/126/451-Greylisted-please-try-again-in-900-seconds.html', 'R GL', '451 Greylisted, please try again in 900 seconds'),
 ('https://hoststud.com/resources/email-error-450-and-it%E2%80%99s-solution.317/updates', 'R GL', '450 4.7.1 <bob@example.com>: Client host rejected: Greylisted for 5 minutes'),
 ('https://hoststud.com/resources/email-error-450-and-it%E2%80%99s-solution.317/updates', 'R GL', '450 4.7.1 <bob@example.com>: Recipient address rejected: Greylisted for 5 minutes'),
 ('https://inmotionhosting.com/support/email/email-error-450', 'R GL', '450 4.7.1 <bob@example.com>: Recipient address rejected: Policy Rejection- greylisted, try again later.'),
 ('https://hoststud.com/resources/email-error-450-and-it%E2%80%99s-solution.317/updates', 'R MU', '450 4.1.1 <bob@example.com>: Recipient address rejected: unverified address: unknown user: "bob@example.com"'),
 ('https://hoststud.com/resources/email-error-450-and-it%E2%80%99s-solution.317/updates', 'R SE', '450 4.1.1 <bob@example.com>: Recipient address rejected: unverified address: verification in progress'),
 ('https://hoststud.com/resources/email-error-450-and-it%E2%80%99s-solution.317/updates', 'R SE', '450 4.3.2 try again later'),
 ('https://github.com/schweikert/postgrey/issues/86', 'R GL', '450 4.2.0 <ppl@example.be>: Recipient address rejected: Greylisted for 300 seconds'),
 ('https://github.com/schweikert/postgrey/issues/107', 'R GL', '450 4.2.0 <user@example.co.uk>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.co.uk.html'),
 ('https://github.com/stalwartlabs/mail-server resources/config/spamfilter/scripts/greylist.sieve', 'R GL', '422 4.2.2 Greylisted, please try again in a few moments.'),
 ('https://github.com/yermulnik/exim-greylist README.md (Exim defer message)', 'R GL', '451 Greylisting in progress, please try again later'),
 ('https://knowledge.broadcom.com/external/article/280430/smtp-code-421-470-too-many-concurrent-co.html', 'C CL', '421 4.7.0 Too many concurrent connections'),
 ('http://developer.contactlab.com/documentation/contactsend/smartrelay/ServiceUnavailableConcurrencyLimit', 'C CL', '421 4.4.5 Service unavailable, concurrency limit reached'),
 ('https://wiki.pscs.co.uk/how_to:421_4.3.2_vpop3_too_many_connections_from_your_ip_address_-_try_later', 'C CL', '421 4.3.2 VPOP3 Too many connections from your IP address - try later'),
 ('https://xeonbd.com/blog/fix-error-421-many-concurrent-smtp-connections-cpanel-directadmin-servers', 'C CL', '421 Too many concurrent SMTP connections; please try again later.'),
 ('https://era.host/en/blog/421-too-many-connections-complete-guide.php', 'C CL', '421 Too Many Connections (8) From This IP'),
 ('https://learn.microsoft.com/en-us/answers/questions/407670/421-4-3-2-the-maximum-number-of-concurrent-server', 'C CL', '421 4.3.2 The maximum number of concurrent server connections has exceeded a per-source limit, closing transmission channel'),
 ('https://www.ibm.com/support/knowledgecenter/SSLTBW_2.1.0/com.ibm.zos.v2r1.cs3cod0/smt552-02.htm', 'R TR', '552 Too many recipients'),
 ('https://developer.contactlab.com/send-smartrelay-docs/smartrelayheadersandattributes/serviceunavailablerecipientslimit/', 'R TR', '452 4.5.3 Service unavailable, recipients per message limit reached'),
 ('https://errcodes.dev/smtp/5-5-3-too-many-recipients', 'R TR', '452 5.5.3 Too many recipients'),
]

# maddy (github.com/foxcpp/maddy) exterrors.SMTPError values (index in maddy.txt)
MADDY = {0:'M AR',1:'M PE',2:'A AR',3:'M SE',4:'M SB',5:'Z FM',6:'Z FM',7:'Z FM',8:'Z FM',9:'Z CR',10:'Z SA',11:'Z SA',
12:'Z SA',13:'C SB',14:'C SB',15:'M PE',16:'M PE',17:'M DN',18:'M DN',19:'Z CR',20:'Z CR',21:'Z SE',22:'Z SE',23:'* AR',
24:'* SE',25:'* SE',26:'Z CR',27:'Z CR',28:'M SA',29:'M SA',30:'M SA',31:'M SA',32:'M SA',33:'M SA',34:'M PE',35:'M PE',
36:'M PE',37:'R PE',38:'R PE',39:'Z TL',40:'Z FM',41:'Z FM',42:'Z FM',44:'M PE',45:'R PE',46:'R PE',47:'R SE',48:'M PE',
49:'R PE',50:'R MU',51:'* SE',52:'R AR',54:'R DN',55:'R AR',57:'* SE',60:'R PE',67:'M AR'}
# Haraka connection.js / plugins respond() texts (index in haraka.json)
HARAKA = {0:'* SE',3:'* PE',4:'* SE',5:'* PE',11:'* PE',12:'H PE',13:'E PE',14:'* PE',15:'M PE',16:'M AR',17:'R SE',
18:'M PE',19:'M PE',20:'Z TL',21:'R PE',22:'R PE',23:'R PE',24:'D PE',25:'D PE',26:'Z PE',27:'Z FM',28:'Z SE',29:'A PE'}
# Postfix smtpd_check regression output (postfix/src/smtpd/*.ref), index in pfref2.txt
PFREF = {1:'R DN',2:'M DN',3:'H SB',4:'C SB',5:'R SE',6:'* SE',7:'C SE',8:'H SE',9:'R SE',10:'M SE',11:'* SE',12:'H PE',
13:'H PE',14:'R PE',15:'M PE',16:'M SB',17:'R MU',18:'M SB',19:'M DN',20:'C SB',21:'H SB',22:'H SB',23:'R SB',24:'R RD',
25:'R RD',26:'M SB',27:'M SB',28:'R SB',29:'R SB',30:'R SB',31:'R SB',32:'R DN'}

# Rows added for issue 14 (2026-12-02): the reasons that had fewer than 20 rows. Each is a real reply: a
# reply string of an MTA's source (printf arguments filled in with documentation values, noted in the
# source), a reply quoted by provider documentation, by ActiveCampaign's smtp-field-manual or by a
# public page, or a reply in Sisimai's bounce collection. Labels written by CLASSIFICATION.md before the
# classifier was run on them. UNKNOWN is given only where the reply names no failure (no enhanced code,
# or one with no subject, and text that only says "denied", "try again later" or "aborted").
# (source, provider, 'phase reason', reply)
GH = 'https://github.com/'
SFMC = GH + 'ActiveCampaign/smtp-field-manual/blob/67831a2e3a81cfacd8038a00cb389714a62e9342/data/codes/'
ADDED = [
 # TOO_MANY_RECIPIENTS
 (GH + 'albertito/chasquid/blob/ca2538b9745a448170dbd078c65b97c8821c33f9/internal/smtpsrv/conn.go#L588 (RCPT over max recipients)',
  'chasquid', 'R TR', '452 4.5.3 Too many recipients'),
 (GH + 'emersion/go-smtp/blob/ab24fe7cbe995d404af3b1c093195f2f43b94688/conn.go#L696 (Server.MaxRecipients; 50 as in example_server_test.go#L100)',
  'go-smtp (emersion)', 'R TR', '452 4.5.3 Maximum limit of 50 recipients reached'),
 (GH + 'mjl-/mox/blob/1c9587665b321199312e11b6a47a0480a9e2750f/smtpserver/server.go#L1961 (rcptToLimit = 1000, line 82; code 452, enhanced 4.5.3)',
  'mox', 'R TR', '452 4.5.3 max of 1000 recipients reached'),
 (GH + 'dovecot/core/blob/f28b5a92ec52eef0a111a095d00435756343dc94/src/lib-smtp/smtp-server-cmd-rcpt.c#L51 (LMTP / submission max_recipients)',
  'Dovecot LMTP', 'R TR', '451 4.5.3 Too many recipients'),
 (GH + 'hmailserver/hmailserver/blob/4d11f81d14af5136b5e0e1d231e0eb19d8361177/hmailserver/source/Server/SMTP/SMTPConnection.cpp#L684',
  'hMailServer', 'R TR', '550 Too many recipients.'),
 (GH + 'voodoodyne/subethasmtp/blob/13fee16e0ce4325b4a79dd69fd44050d712d038c/src/main/java/org/subethamail/smtp/command/ReceiptCommand.java#L40',
  'SubEthaSMTP', 'R TR', '452 Error: too many recipients'),
 (GH + 'svarshavchik/courier/blob/fe506ccc6d496692ea153e5b2cb0a4dc5bdb7b69/courier/courier/submit.C#L1624 (soft limit)',
  'Courier', 'R TR', '431 Too many recipients.'),
 (GH + 'svarshavchik/courier/blob/fe506ccc6d496692ea153e5b2cb0a4dc5bdb7b69/courier/courier/submit.C#L1623 (hard limit)',
  'Courier', 'R TR', '531 Too many recipients.'),
 (GH + 'stalwartlabs/mail-server/blob/55e62a683048d934a3890e86e6384c65fc29b0f2/crates/smtp/src/inbound/rcpt.rs#L54',
  'Stalwart', 'R TR', '455 4.5.3 Too many recipients.'),
 (GH + 'haraka/haraka-plugin-limit/blob/ef8189eb324cfb25e70f5aa03aa18524bdf1d846/index.js#L144 (DENYSOFT at RCPT; Haraka connection.js rcpt_respond answers 450 with the plugin message)',
  'Haraka', 'R TR', '450 Too many recipient attempts'),
 (GH + 'imyousuf/james/blob/491764b60e4af8c37304e2550a393feed23f6acc/src/java/org/apache/james/smtpserver/RcptCmdHandler.java (Apache James 2.3 source; maxRcpt; DSNStatus.getStatus(NETWORK = 4, DELIVERY_TOO_MANY_REC = "5.3"))',
  'Apache James', 'R TR', '452 4.5.3 Requested action not taken: max recipients reached'),
 ('https://support.google.com/a/answer/3726730 (Gmail SMTP errors and codes; archived text github.com/azumakuniyuki/feb-2024-no-auth-no-entry google-3726730-smtp-errors-and-codes/text/google-3726730-smtp-errors-and-codes-2026-02-15.txt line 520)',
  'Google Gmail / Workspace', 'R TR', '550 5.5.3 Too many recipients for this sender. For more information, go to About SMTP error messages and review RFC 5321 specifications.'),
 # RATE_LIMITED, worded like a recipient count: a per-client recipient *rate* (anvil)
 (GH + 'vdukhovni/postfix/blob/17830e5c13c160d51c95cb971d137a46de84e48c/postfix/src/smtpd/smtpd.c#L3098 (smtpd_client_recipient_rate_limit; client address filled in)',
  'Postfix', 'R RL', '450 4.7.1 Error: too many recipients from 192.0.2.1'),
 # GREYLISTED
 (GH + 'ryoqun/milter-greylist/blob/b0a039272d4daaaf76cc66b897073bfa4123ef52/milter-greylist.c#L2107-L2111 (code 451, ecode 4.7.1; %R expands to hh:mm:ss, line 2851)',
  'milter-greylist', 'R GL', '451 4.7.1 Greylisting in action, please come back in 00:30:00'),
 (GH + 'haraka/haraka-plugin-greylist/blob/76f1639f7f67e359c1ff363ffa491ad2273b24b4/index.js#L274 (DSN.sec_unauthorized(text, 451); text from config/greylist.ini line 4; haraka-dsn writes class.7.1)',
  'Haraka', 'R GL', '451 4.7.1 Greylisted. Please come back later.'),
 (GH + 'albertito/chasquid/blob/ca2538b9745a448170dbd078c65b97c8821c33f9/etc/chasquid/hooks/post-data#L25 (exit 75: internal/smtpsrv/conn.go#L705-L711 answers 451 with the hook output)',
  'chasquid', 'Z GL', '451 greylisted, please try again'),
 (GH + 'poolpOrg/filter-spfgreylist/blob/8767f5809b103ddae77018afced447bb252aabe8/filter-spfgreylist.go#L105 (OpenSMTPD filter, rcpt-to)',
  'OpenSMTPD', 'R GL', '451 greylisted, try again later'),
 (GH + 'stalwartlabs/mail-server/blob/55e62a683048d934a3890e86e6384c65fc29b0f2/crates/smtp/src/inbound/rcpt.rs#L350',
  'Stalwart', 'R GL', '452 4.2.2 Greylisted, please try again in a few moments.'),
 ('https://www.mailenable.com/kb/content/article.asp?ID=ME020631 (reply of a greylisting server, quoted by MailEnable)',
  'MailEnable', 'R GL', '451 This server employs greylisting as a means of reducing spam. Please resend e-mail shortly'),
 (SFMC + '451.json (spamFilters barracuda, status 4.7.1; observed reply)',
  'Barracuda', 'R GL', '451 4.7.1 <email@example.com>: Recipient address rejected: Greylisted for 5 minutes'),
 (GH + 'Exim/exim/blob/13835a3c1e057efad7da269c0f93bf2eac850205/src/src/utils/eximstats.src#L2460 (remote reply quoted from an Exim log line)',
  'Exim', 'R GL', '450 <a@b.c>: Recipient address rejected: Greylisted for 60 seconds'),
 (GH + 'linsomniac/tumgreyspf/blob/53731a1e5e783ffe1ebc05442eeab0f9439ac66c/tumgreyspf#L253-L254 (policy action defer, written by Postfix as 450 4.7.1 <rcpt>: Recipient address rejected: text)',
  'tumgreyspf (via Postfix)', 'R GL', '450 4.7.1 <bob@example.com>: Recipient address rejected: Service unavailable, greylisted (http://projects.puremagic.com/greylisting/).'),
 (GH + 'linsomniac/tumgreyspf/blob/53731a1e5e783ffe1ebc05442eeab0f9439ac66c/tumgreyspf#L271 (policy action defer, written by Postfix)',
  'tumgreyspf (via Postfix)', 'R GL', '450 4.7.1 <bob@example.com>: Recipient address rejected: Service unavailable, greylisted.'),
 # CONNECTION_LIMIT
 (GH + 'Exim/exim/blob/13835a3c1e057efad7da269c0f93bf2eac850205/src/src/daemon.c#L345-L346 (smtp_accept_max_per_host)',
  'Exim', 'C CL', '421 Too many concurrent SMTP connections from this IP address; please try again later.'),
 (SFMC + '421.json (spamFilters exchangeonline, status 4.3.2; observed reply)',
  'Microsoft Exchange Online / Outlook.com', '* CL', '421 4.3.2 The maximum number of concurrent connections per resource forest has exceeded a limit, closing transmission channel. example.com. PRX8 [example.com]'),
 (GH + 'haraka/haraka-plugin-limit/blob/ef8189eb324cfb25e70f5aa03aa18524bdf1d846/index.js#L247 (DENYSOFTDISCONNECT at connect; Haraka connection.js connect_respond answers 421)',
  'Haraka', 'C CL', '421 Too many concurrent connections'),
 (GH + 'voodoodyne/subethasmtp/blob/13fee16e0ce4325b4a79dd69fd44050d712d038c/src/main/java/org/subethamail/smtp/server/Session.java#L208',
  'SubEthaSMTP', 'C CL', '421 Too many connections, try again later'),
 (GH + 'mjl-/mox/blob/1c9587665b321199312e11b6a47a0480a9e2750f/smtpserver/server.go#L993 (code 421, enhanced 4.7.0)',
  'mox', 'C CL', '421 4.7.0 too many open connections from your ip or network'),
 (SFMC + '421.json (provider yahoo, status 4.0.0-2; also quoted in https://github.com/sisimai/p5-sisimai/blob/5-stable/lib/Sisimai/Rhost/YahooInc.pm as toomanyconn)',
  'Yahoo Inc', '* CL', '421 Max message per connection reached, closing transmission channel'),
 (GH + 'stalwartlabs/mail-server/blob/55e62a683048d934a3890e86e6384c65fc29b0f2/crates/smtp/src/inbound/data.rs#L854',
  'Stalwart', 'M CL', '452 4.4.5 Maximum number of messages per session exceeded.'),
 # RELAY_DENIED
 (SFMC + '550.json (spamFilters proofpoint, status 5.7.1-2; observed reply)', 'Proofpoint', 'R RD', '550 5.7.1 Relaying denied'),
 (SFMC + '550.json (spamFilters proofpoint, status 5.7.1-5; observed reply)', 'Proofpoint', 'R RD', '550 5.7.1 Relay access denied'),
 (SFMC + '554.json (spamFilters proofpoint, status 5.7.1; observed reply)', 'Proofpoint', 'R RD', '554 5.7.1 <email@example>: Relay access denied'),
 (SFMC + '451.json (spamFilters mimecast, status 1; observed reply)', 'Mimecast', 'R RD', '451 Open relay not allowed - https://community.mimecast.com/docs/DOC-1369#451 [#]'),
 (SFMC + '553.json (spamFilters emailsecuritycloud, status 5.7.1-2; observed reply)', 'Broadcom/Symantec Email Security.cloud (MessageLabs)', 'R RD',
  '553 you are trying to use me [xx.messagelabs.com] as a relay, but I have not been configured to let you [x.xx.xx.xx, example.com] do this. Please visit www.symanteccloud.com/troubleshooting for more details about this error message and instructions to resolve this issue. (#5.7.1)'),
 (SFMC + '553.json (provider zoho, status 5.1.1; the reply field of "failed,5.1.1 (bad destination mailbox address),smtp;553 Relaying disallowed,mx.zoho.com")',
  'Zoho', 'R RD', '553 Relaying disallowed'),
 (GH + 'svarshavchik/courier/blob/fe506ccc6d496692ea153e5b2cb0a4dc5bdb7b69/courier/courier/module.esmtp/esmtp.C#L187',
  'Courier', 'R RD', '513 Relaying denied.'),
 (GH + 'stalwartlabs/mail-server/blob/55e62a683048d934a3890e86e6384c65fc29b0f2/crates/smtp/src/inbound/rcpt.rs#L267',
  'Stalwart', 'R RD', '550 5.1.2 Relay not allowed.'),
 ('https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp ("550 5.7.64 TenantAttribution" when sending mail externally in Microsoft 365)',
  'Microsoft 365', 'R RD', '550 5.7.64 TenantAttribution; Relay Access Denied SMTP'),
 # UNKNOWN: the reply names no failure. The rule for generic replies (CLASSIFICATION.md section 3, steps 3-5),
 # the same as the shared rows ('421 ... Service unavailable - try again later' at CONNECT is UNKNOWN, '554
 # Transaction failed' and '451 Temporary failure: <addr>' are SYSTEM_ERROR): words that only restate the basic
 # code ('temporary failure', 'service (not) available', 'try again later', 'denied', 'rejected', 'aborted',
 # 'not accepted', with or without an enhanced code X.0.0) are no text rule, so the basic code at that phase
 # decides (step 4):
 #   451, 452, 454, 458, and 554 (but not as a greeting)              -> SYSTEM_ERROR (local error, storage,
 #                                                                       transaction failed)
 #   550 / 553 at RCPT -> MAILBOX_UNKNOWN, at MAIL -> SENDER_BLOCKED; any 5xx greeting at CONNECT -> SENDER_BLOCKED
 #   421, 450, 550 / 553 at other phases, codes RFC 5321 gives no meaning (4xx/5xx outside the table) -> UNKNOWN
 # A refusal that names the sending party it refuses (the sender, the client's connection, its EHLO) is about
 # the sending party, so it is policy (section 3) and SENDER_BLOCKED even with no reason word; 'recipient
 # denied' or 'message denied' names no party of the sender's and stays UNKNOWN.
 # A provider tag or help link with a documented meaning (GoDaddy IB101 'higher than normal volume') is specific
 # text and decides instead; so does any enhanced code other than X.0.0.
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L778 (connect_respond default text for DENYSOFT)',
  'Haraka', 'C UN', '421 Come back later'),
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L1619 (data_post_respond default text for DENY)',
  'Haraka', 'Z UN', '550 Message denied'),
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L1633 (data_post_respond default text for DENYSOFT)',
  'Haraka', 'Z UN', '450 Message denied temporarily'),
 (GH + 'hmailserver/hmailserver/blob/4d11f81d14af5136b5e0e1d231e0eb19d8361177/hmailserver/source/Server/SMTP/SMTPConnection.cpp#L781 (sent to a greylisted sender; the text does not say so)',
  'hMailServer', 'R SE', '451 Please try again later.'),
 (GH + 'hmailserver/hmailserver/blob/4d11f81d14af5136b5e0e1d231e0eb19d8361177/hmailserver/source/Server/SMTP/SMTPConnection.cpp#L2297 (delayed greylisting after DATA; the text does not say so)',
  'hMailServer', 'Z UN', '450 Please try again later.'),
 (SFMC + '554.json (provider yahoo, status 5.5.4-2; observed reply)', 'Yahoo Inc', 'Z SE', '554 delivery error: dd Requested mail action aborted - example.yahoo.com'),
 (SFMC + '421.json (spamFilters emailsecuritycloud, status 1; observed reply)', 'Broadcom/Symantec Email Security.cloud (MessageLabs)', '* UN', '421 Service Temporarily Unavailable'),
 (SFMC + '450.json (spamFilters emailsecuritycloud, status 1; observed reply)', 'Broadcom/Symantec Email Security.cloud (MessageLabs)', '* UN',
  '450 Requested action aborted [9] #-#, please visit https://knowledge.broadcom.com/external/article?legacyId=TECH246726 for more details about this error message.'),
 (SFMC + '421.json (spamFilters barracuda, status 1; observed reply)', 'Barracuda', '* UN', '421 Temporary failure, please try again later.'),
 (GH + 'sisimai/set-of-emails/blob/18e585c22288b83c1f6943949cb86b2623b362ce/maildir/bsd/lhost-sendmail-29.eml (real bounce, anonymised by Sisimai; the transcript line "<<< 421" while talking to the MX)',
  'bounce: maildir/bsd/lhost', 'C UN', '421'),
 # second batch (same day): qpsmtpd and Sendmail
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/plugins/karma#L418 (rcpt hook DENY, answered 550 by lib/Qpsmtpd/SMTP.pm rcpt_respond; karma values filled in)',
  'qpsmtpd', 'R TR', '550 too many recipients for karma -1 (h: -1)'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/plugins/hosts_allow#L81-L83 (pre-connection DENYSOFT, answered 451 by qpsmtpd-forkserver line 269; client address filled in)',
  'qpsmtpd', 'C CL', '451 too many connections from 192.0.2.1, try again later'),
 (GH + 'hrs-allbsd/sendmail/blob/19036c0d9fafa600b0748fc7ada98a939a56b0c8/cf/m4/proto.m4#L3315 (FEATURE(conncontrol), default reply 452, cf/feature/conncontrol.m4 line 36)',
  'Sendmail', '* CL', '452 4.3.2 Too many open connections.'),
 (GH + 'hrs-allbsd/sendmail/blob/19036c0d9fafa600b0748fc7ada98a939a56b0c8/cf/m4/proto.m4#L3315 (FEATURE(conncontrol, , terminate): reply 421, cf/feature/conncontrol.m4 line 30)',
  'Sendmail', 'C CL', '421 4.3.2 Too many open connections.'),
 (GH + 'hrs-allbsd/sendmail/blob/19036c0d9fafa600b0748fc7ada98a939a56b0c8/cf/m4/proto.m4#L3293 (FEATURE(ratecontrol, , terminate): reply 421, cf/feature/ratecontrol.m4 line 30)',
  'Sendmail', 'C CL', '421 4.3.2 Connection rate limit exceeded.'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/plugins/rcpt_ok#L46 (Qpsmtpd::DSN->relaying_denied, lib/Qpsmtpd/DSN.pm line 564 and _dsn line 157; answered 550)',
  'qpsmtpd', 'R RD', '550 Relaying denied (#5.7.1)'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/plugins/greylisting#L183 (the greylisting plugin\'s DENYSOFT text, answered 450 by rcpt_respond; the text does not say greylisted)',
  'qpsmtpd', 'R UN', '450 This mail is temporarily denied'),
 # third batch (same day): UNKNOWN by the rule above; a 4xx refusal that gives no reason (most often a deferred
 # check or greylisting, not a block) at any phase, and 421/450 replies; addresses filled in with example.com.
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L1109 (rcpt_respond default text for DENYSOFT, dmsg = `recipient ${rcpt.format()}`)',
  'Haraka', 'R UN', '450 recipient <user@example.com> denied'),
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L990 (mail_respond default text for DENYSOFT, dmsg = `sender ${sender.format()}`)',
  'Haraka', 'M SB', '450 sender <user@example.com> denied'),
 (GH + 'haraka/Haraka/blob/0bf10cbb486253752042e10af4c65ec78ec7fe91/connection.js#L861 (ehlo_respond default text for DENYSOFT)',
  'Haraka', 'E SB', '450 EHLO denied'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/lib/Qpsmtpd/SMTP.pm#L407-L409 (mail_respond default text for DENYSOFT: $from->format followed by \", temporarily denied\")',
  'qpsmtpd', 'M SB', '450 <user@example.com>, temporarily denied'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/lib/Qpsmtpd/SMTP.pm#L111-L112 (connect_respond default text for DENYSOFT)',
  'qpsmtpd', 'C SB', '450 Connection from you temporarily denied, bye bye.'),
 (GH + 'smtpd/qpsmtpd/blob/df5b04d857e6f6602cef0dd4f2c09f163e20672f/lib/Qpsmtpd/SMTP.pm#L724-L726 (data_headers_end hook DENYSOFT_DISCONNECT default text)',
  'qpsmtpd', 'Z UN', '421 Message denied temporarily'),
 (GH + 'Exim/exim/blob/13835a3c1e057efad7da269c0f93bf2eac850205/src/src/receive.c#L4350 (cutthrough delivery with defer_pass: the onward server gave an unknown response or an error)',
  'Exim', 'Z UN', '450 Onward transmission not accepted'),
 (GH + 'decke/smtprelay/blob/8c71f4fb2c20ee81371aab47aee7a1d834a5c887/main.go#L253 (the message could not be forwarded for an error that is not an SMTP reply; written "%d %s" by github.com/chrj/smtpd)',
  'smtprelay', 'Z UN', '421 Forwarding failed'),
 (GH + 'simple-login/app/blob/dbc45fcce4e8e6b4fa615cc729ca95a67bf75266/app/email/status.py#L34 (E407, returned at email_handler.py line 990 when the forward to Postfix failed, "so Postfix can retry")',
  'SimpleLogin', 'Z UN', '421 SL E407 Retry later'),
 (GH + 'simple-login/app/blob/dbc45fcce4e8e6b4fa615cc729ca95a67bf75266/app/email/status.py#L38 (E501, returned at email_handler.py line 1052 for a reply address on an unknown domain; the reply text says nothing)',
  'SimpleLogin', 'Z UN', '550 SL E501'),
 (GH + 'Excision-Mail/Excision-Mail/issues/54 (session transcript in the issue: the reply to the final dot after DATA)',
  'Excision-Mail', 'Z UN', '550 message rejected'),
]
