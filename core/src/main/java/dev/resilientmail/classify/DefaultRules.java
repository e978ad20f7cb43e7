package dev.resilientmail.classify;

import static dev.resilientmail.classify.FailureReason.AUTHENTICATION_REQUIRED;
import static dev.resilientmail.classify.FailureReason.CONNECTION_LIMIT;
import static dev.resilientmail.classify.FailureReason.CONTENT_REJECTED;
import static dev.resilientmail.classify.FailureReason.DOMAIN_NOT_FOUND;
import static dev.resilientmail.classify.FailureReason.GREYLISTED;
import static dev.resilientmail.classify.FailureReason.MAILBOX_FULL;
import static dev.resilientmail.classify.FailureReason.MAILBOX_UNKNOWN;
import static dev.resilientmail.classify.FailureReason.MESSAGE_TOO_LARGE;
import static dev.resilientmail.classify.FailureReason.PROTOCOL_ERROR;
import static dev.resilientmail.classify.FailureReason.RATE_LIMITED;
import static dev.resilientmail.classify.FailureReason.RELAY_DENIED;
import static dev.resilientmail.classify.FailureReason.SENDER_AUTHENTICATION;
import static dev.resilientmail.classify.FailureReason.SENDER_BLOCKED;
import static dev.resilientmail.classify.FailureReason.SYSTEM_ERROR;
import static dev.resilientmail.classify.FailureReason.TOO_MANY_RECIPIENTS;
import static dev.resilientmail.classify.FailureReason.UNKNOWN;
import static dev.resilientmail.reply.SmtpCommand.AUTH;
import static dev.resilientmail.reply.SmtpCommand.CONNECT;
import static dev.resilientmail.reply.SmtpCommand.MAIL;
import static dev.resilientmail.reply.SmtpCommand.RCPT;
import static dev.resilientmail.reply.SmtpCommand.STARTTLS;

import java.util.List;

import dev.resilientmail.classify.Rules.BasicCodeRule;
import dev.resilientmail.classify.Rules.EnhancedCodeRule;
import dev.resilientmail.classify.Rules.Policy;
import dev.resilientmail.classify.Rules.TextRule;

/**
 * The default rule tables: what real servers mean by what they write. Three tables, asked
 * in this order, first match wins:
 * <ol>
 * <li>{@link #DECISIVE_CODES}: enhanced codes that say everything (SPF, DKIM, DMARC,
 * PTR);</li>
 * <li>{@link #TEXT}: wordings, most specific first (greylisting before rate limits before
 * block lists before mailbox problems), because real servers put a 5.7.1 on an unknown
 * user and a 4.7.1 on a rate limit;</li>
 * <li>{@link #ENHANCED_CODES}, then {@link #BASIC_CODES}: the registries' meaning of the
 * codes.</li>
 * </ol>
 * Keywords are written in normalised form (see {@link KeywordMatcher}): lower case, words
 * separated by single spaces, a leading or trailing space to require a word boundary.
 */
final class DefaultRules {

	private DefaultRules() {
	}

	static final List<EnhancedCodeRule> DECISIVE_CODES = List.of(Rules.enhanced(7, 20, SENDER_AUTHENTICATION),
			Rules.enhanced(7, 21, SENDER_AUTHENTICATION), Rules.enhanced(7, 22, SENDER_AUTHENTICATION),
			Rules.enhanced(7, 23, SENDER_AUTHENTICATION), Rules.enhanced(7, 24, SENDER_AUTHENTICATION),
			Rules.enhanced(7, 26, SENDER_AUTHENTICATION), Rules.enhanced(7, 29, SENDER_AUTHENTICATION),
			Rules.enhanced(7, 509, SENDER_AUTHENTICATION), Rules.enhanced(7, 515, SENDER_AUTHENTICATION),
			Rules.enhanced(7, 25, SENDER_BLOCKED), Rules.enhanced(7, 27, DOMAIN_NOT_FOUND),
			Rules.enhanced(1, 10, DOMAIN_NOT_FOUND), Rules.enhanced(3, 4, MESSAGE_TOO_LARGE),
			Rules.enhanced(2, 3, MESSAGE_TOO_LARGE), Rules.enhanced(5, 3, TOO_MANY_RECIPIENTS));

	static final List<TextRule> TEXT = List.of(
			Rules.text("greylisting", GREYLISTED)
				.failureClass(4)
				.infer(7, 1)
				.keywords("greylist", "graylist", "grey list", "gray list", "grey listed", "gray listed", "greylisted",
						"greylisting"),
			Rules.text("TLS or authentication required", AUTHENTICATION_REQUIRED)
				.infer(7, 0)
				.keywords(" tls required", " starttls", "must issue a starttls", "encryption required", "must use tls",
						"requires tls", "tls is required", "requiretls"),
			Rules.text("DMARC", SENDER_AUTHENTICATION).infer(7, 26).keywords(" dmarc"),
			Rules.text("SPF", SENDER_AUTHENTICATION).infer(7, 23).keywords(" spf "),
			Rules.text("DKIM", SENDER_AUTHENTICATION).infer(7, 20).keywords(" dkim"),
			Rules.text("ARC", SENDER_AUTHENTICATION).infer(7, 29).keywords(" arc validation", " arc seal"),
			Rules.text("sender not authenticated", SENDER_AUTHENTICATION)
				.infer(7, 26)
				.keywords("authentication level", "unauthenticated email", "unauthenticated mail",
						"message is not authenticated", "sender authentication failed", "fails authentication checks"),
			Rules.text("duplicate message", CONTENT_REJECTED)
				.infer(7, 1)
				.keywords("same message id", "duplicate message", "too many duplicate", "duplicated message"),
			Rules.text("reputation-tied throttling", RATE_LIMITED)
				.policy(Policy.YES)
				.retry(true)
				.infer(7, 28)
				.keywords(" tss04", "unexpected volume", "user complaints", "unsolicited mail originating"),
			Rules.text("reputation", SENDER_BLOCKED).infer(7, 1).keywords("reputation"),
			Rules.text("too many errors", PROTOCOL_ERROR)
				.infer(5, 0)
				.keywords("too many errors", "too many invalid", "too many bad commands"),
			Rules.text("connection limit", CONNECTION_LIMIT)
				.infer(3, 2)
				.keywords("too many connections", "too many concurrent", "concurrent connections", "connection limit",
						"connections limit", "ports are busy", "too many sessions", "too many simultaneous",
						"maximum number of connections", "connection count", "too many smtp sessions",
						"concurrent sessions"),
			Rules.text("too many recipients", TOO_MANY_RECIPIENTS)
				.infer(5, 3)
				.keywords("too many recipients", "too many rcpt", "recipient limit", "recipients limit",
						"maximum number of recipients", "number of recipients exceeded", "recipient count exceeded",
						"too many envelope recipients"),
			Rules.text("rate limit", RATE_LIMITED)
				.policy(Policy.BY_CODE)
				.retry(true)
				.infer(7, 0)
				.keywords("rate limit", "ratelimit", "rate exceeded", "throttl", "frequency limit", "too much mail",
						"too many messages", "too many mails", "too many emails", "sending limit", "message quota",
						"sending quota", "daily limit", "hourly limit", "messages per hour", "messages per day",
						"per hour", "per minute", "mail flood", "limit for the number of messages",
						"exceeded the limit", "exceeded their limit", "sending rate", "submission rate", "volume limit",
						"too fast", "slow down"),
			Rules.text("sender verification", SENDER_BLOCKED)
				.infer(1, 8)
				.keywords("sender verify failed", "verification failed", "sender verification",
						"could not verify sender", "sender address verification", "unverified sender",
						"callout verification"),
			// weak: Postfix says "User unknown in relay recipient table" with 5.1.1
			Rules.text("relay", RELAY_DENIED)
				.weak()
				.infer(7, 1)
				.keywords(" relay", " relaying", "allowed rcpthosts", " unable to relay", " open relay"),
			Rules.text("temporary system problem", SYSTEM_ERROR)
				// Microsoft's reputation throttling says "Server busy" with a 4.7.5xx
				// code
				.policy(Policy.BY_CODE)
				.infer(3, 0)
				.keywords("temporary system problem", "temporary failure", "temporary lookup failure",
						"temporary local problem", "temporary error", "local error", "internal error", "server error",
						"queue file write error", "insufficient system storage", "system storage", "disk space",
						"try again later temporary", "resources temporarily", "system is busy", "server is busy",
						"server busy", "out of memory", "database error", "lookup failure", "i o error", "timeout",
						"timed out", "unable to process", "processing error", "configuration error", "misconfigured"),
			Rules.text("authentication required or failed", AUTHENTICATION_REQUIRED)
				.infer(7, 0)
				.keywords("authentication required", "must authenticate", "unauthenticated sender",
						"authentication is required", "authenticate first", "not authenticated",
						"authentication failed", "authentication failure", "invalid credentials", "bad credentials",
						"username and password not accepted", "incorrect password", "invalid login", "login failed",
						"auth failed", "please authenticate", "smtp authentication is required",
						"authorization required"),
			Rules.text("too fully qualified", PROTOCOL_ERROR).infer(5, 2).keywords("fully qualified", "fqdn"),
			Rules.text("reverse DNS", SENDER_BLOCKED)
				.infer(7, 25)
				.keywords(" ptr ", " rdns", "reverse dns", "reverse lookup", "reverse hostname",
						"cannot find your hostname", "reverse mapping", "no reverse", "dns ptr"),
			Rules.text("HELO check or client block", SENDER_BLOCKED)
				.infer(7, 1)
				.keywords("helo command rejected", "ehlo command rejected", "client host rejected", "invalid helo",
						"bad helo", "helo name"),
			Rules.text("sender domain missing", DOMAIN_NOT_FOUND)
				.command(MAIL)
				.infer(1, 8)
				.keywords("domain not found", "unroutable", "unrouteable", "domain does not exist", "no such domain",
						"unknown domain", "no mx", "null mx", "host not found", "domain name not found", "nxdomain",
						"sender domain", "unresolvable"),
			Rules.text("domain missing", DOMAIN_NOT_FOUND)
				.infer(1, 2)
				.keywords("domain not found", "domain does not exist", "no such domain", "unknown domain", "no mx",
						"null mx", "domain name not found", "nxdomain", "recipient domain",
						"domain does not accept mail", "does not accept mail", "unrouteable", "unroutable",
						"domain is not valid", "invalid domain", "bad destination system"),
			Rules.text("block list", SENDER_BLOCKED)
				.infer(7, 1)
				.keywords("blacklist", "blocklist", "block list", "black list", "blocked list", "denylist", "dnsbl",
						" rbl", "spamhaus", "spamcop", "barracuda", "sorbs", "cloudmark", "spamrats", "uceprotect",
						"abuseat", " listed", "badmailfrom", "banned", "bloquee", "poor reputation", "ip blocked",
						"blocked ip", "host blocked", "client blocked", "blocked using", "dynamic ip", "residential",
						"your isp", "dial up", "dialup", "not welcome"),
			Rules.text("refused at connection", SENDER_BLOCKED)
				.command(CONNECT)
				.infer(7, 1)
				.keywords("refuse", "not accepting", "blocked", "go away", "spam", "rejected", "denied", "not allowed",
						"access denied"),
			Rules.text("message format", CONTENT_REJECTED)
				.policy(Policy.NO)
				.infer(6, 0)
				.keywords(" header", "rfc compliant", "rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "8 bit", "8bit",
						"malformed", " mime ", "bare lf", "bare cr", "line too long in message", "invalid message",
						"message format", "non compliant", "not compliant", "missing from"),
			Rules.text("spam or virus", CONTENT_REJECTED)
				.infer(7, 1)
				.keywords("spam", "virus", "malware", "phish", " ube ", " uce ", "content rejected", "message content",
						"content policy", "content filter", "junk", "suspicious", "unsolicited", "bulk mail",
						"infected", "forbidden content", "attachment type", "prohibited attachment",
						"blocked attachment", "security policies", "message rejected"),
			Rules.text("mailbox full", MAILBOX_FULL)
				.infer(2, 2)
				.keywords("mailbox full", "mailbox is full", "over quota", "quota exceeded", "exceeded quota",
						"exceeds quota", "disk quota", "out of storage", "storage space", "exceeded storage",
						"insufficient storage", "mailbox size limit", "quota", "mailbox has exceeded", "full mailbox",
						"inbox is full", "account is full", "no space left"),
			Rules.text("message too large", MESSAGE_TOO_LARGE)
				.infer(3, 4)
				.keywords("too large", "too big", "size exceeds", "exceeds size", "message size", "size limit",
						"maximum message size", "exceeds the maximum", "attachments", "message length exceeds",
						"message is larger", "exceeds maximum size"),
			Rules.text("mailbox disabled", MAILBOX_UNKNOWN)
				.infer(2, 1)
				.keywords("disabled", "inactive", "deactivated", "suspended", "account locked",
						"not accepting messages", "mailbox unavailable account"),
			Rules.text("mailbox moved", MAILBOX_UNKNOWN).infer(1, 6).keywords("no longer", "has moved"),
			Rules.text("unknown mailbox", MAILBOX_UNKNOWN)
				.infer(1, 1)
				.keywords("user unknown", "unknown user", "no such user", "no such recipient", "no such mailbox",
						"no such account", "mailbox unavailable", "mailbox not found", "user not found",
						"recipient not found", "recipnotfound", "invalid recipient", "invalid mailbox",
						"unknown recipient", "does not exist", "doesn t exist", "not exist", "unknown or illegal",
						"could not be found", "addressee unknown", "not a valid mailbox", "mailbox does not",
						"no mailbox", "unknown mailbox", "bad recipient", "recipient unknown", "address rejected user",
						"undeliverable address", "not our customer", "user doesn t", "invalid address",
						"address not found", "unknown address", "mailbox unknown", "recipient rejected",
						"no such person", "not a known user", "destinataire invalide"),
			Rules.text("syntax or sequence", PROTOCOL_ERROR)
				.infer(5, 2)
				.keywords("syntax", "bad sequence", "need rcpt", "need mail", "command not recognized",
						"unrecognized command", "command unrecognized", "not implemented", "invalid command",
						"line too long", "bad command", "parameter", "unknown command", "out of sequence",
						"not a valid rfc"),
			Rules.text("routing loop", SYSTEM_ERROR).infer(4, 6).keywords("loop", "hop count", "too many hops"),
			Rules.text("generic block", SENDER_BLOCKED)
				.weak()
				.infer(7, 1)
				.keywords("blocked", "access denied", "not allowed", "not permitted", "denied", "prohibited",
						"not authorized", "unauthorized", "refused", "rejected for policy", "policy",
						"administrative prohibition", "not owned by", "smtp server of your"));

	static final List<EnhancedCodeRule> ENHANCED_CODES = List.of(Rules.enhanced(1, 1, MAILBOX_UNKNOWN),
			Rules.enhanced(1, 4, MAILBOX_UNKNOWN), Rules.enhanced(1, 6, MAILBOX_UNKNOWN),
			Rules.enhanced(1, 2, DOMAIN_NOT_FOUND), Rules.enhanced(1, 8, DOMAIN_NOT_FOUND),
			Rules.enhanced(1, 3, PROTOCOL_ERROR), Rules.enhanced(1, 7, PROTOCOL_ERROR),
			Rules.enhanced(2, 1, MAILBOX_UNKNOWN), Rules.enhanced(2, 2, MAILBOX_FULL),
			Rules.enhanced(2, 3, MESSAGE_TOO_LARGE), Rules.enhanced(2, 121, RATE_LIMITED).retry(true),
			Rules.enhanced(2, 122, RATE_LIMITED).retry(true), Rules.enhanced(3, 4, MESSAGE_TOO_LARGE),
			Rules.enhanced(4, 4, DOMAIN_NOT_FOUND), Rules.enhanced(5, 3, TOO_MANY_RECIPIENTS),
			Rules.enhanced(7, 3, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 4, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 5, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 6, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 7, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 8, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 9, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 10, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 11, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 12, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 13, AUTHENTICATION_REQUIRED), Rules.enhanced(7, 30, AUTHENTICATION_REQUIRED),
			Rules.enhanced(7, 17, MAILBOX_UNKNOWN), Rules.enhanced(7, 18, MAILBOX_UNKNOWN),
			Rules.enhanced(7, 19, UNKNOWN), Rules.enhanced(7, 28, RATE_LIMITED).policy(Policy.YES).retry(true),
			Rules.enhanced(7, 0, AUTHENTICATION_REQUIRED).command(AUTH),
			// Microsoft 365 uses 4.7.500-4.7.699 for throttling tied to the sending IP's
			// reputation
			Rules.enhancedRange(7, 500, 699, RATE_LIMITED).failureClass(4).policy(Policy.YES),
			// subject-wide meanings, when the exact detail says nothing more
			Rules.enhancedRange(1, 0, 999, null), Rules.enhancedRange(2, 1, 999, SYSTEM_ERROR),
			Rules.enhancedRange(2, 0, 0, SYSTEM_ERROR), Rules.enhancedRange(3, 0, 999, SYSTEM_ERROR),
			Rules.enhancedRange(4, 0, 999, SYSTEM_ERROR), Rules.enhancedRange(5, 1, 999, PROTOCOL_ERROR),
			Rules.enhancedRange(6, 0, 999, CONTENT_REJECTED).policy(Policy.NO),
			Rules.enhancedRange(7, 0, 999, SENDER_BLOCKED));

	static final List<BasicCodeRule> BASIC_CODES = List.of(Rules.basic(421, UNKNOWN, 3, 0),
			Rules.basic(432, AUTHENTICATION_REQUIRED, 7, 12), Rules.basic(450, UNKNOWN, 0, 0),
			Rules.basic(451, SYSTEM_ERROR, 3, 0), Rules.basic(452, SYSTEM_ERROR, 3, 1),
			Rules.basic(454, SYSTEM_ERROR, 7, 0), Rules.basic(455, PROTOCOL_ERROR, 5, 4),
			Rules.basic(500, PROTOCOL_ERROR, 5, 2), Rules.basic(501, PROTOCOL_ERROR, 5, 4),
			Rules.basic(502, PROTOCOL_ERROR, 5, 1), Rules.basic(503, PROTOCOL_ERROR, 5, 1),
			Rules.basic(504, PROTOCOL_ERROR, 5, 4), Rules.basic(555, PROTOCOL_ERROR, 5, 4),
			Rules.basic(521, DOMAIN_NOT_FOUND, 3, 2), Rules.basic(556, DOMAIN_NOT_FOUND, 1, 10),
			Rules.basic(530, AUTHENTICATION_REQUIRED, 7, 0), Rules.basic(534, AUTHENTICATION_REQUIRED, 7, 9),
			Rules.basic(535, AUTHENTICATION_REQUIRED, 7, 8), Rules.basic(538, AUTHENTICATION_REQUIRED, 7, 11),
			Rules.basic(550, MAILBOX_UNKNOWN, 1, 1).command(RCPT), Rules.basic(550, SENDER_BLOCKED, 7, 1).command(MAIL),
			Rules.basic(550, SENDER_BLOCKED, 7, 1).command(CONNECT), Rules.basic(550, UNKNOWN, 0, 0),
			Rules.basic(551, MAILBOX_UNKNOWN, 1, 6), Rules.basic(552, MAILBOX_FULL, 2, 2).command(RCPT),
			Rules.basic(552, MESSAGE_TOO_LARGE, 3, 4), Rules.basic(553, MAILBOX_UNKNOWN, 1, 1).command(RCPT),
			Rules.basic(553, SENDER_BLOCKED, 7, 1).command(MAIL), Rules.basic(553, UNKNOWN, 0, 0),
			Rules.basic(554, SENDER_BLOCKED, 7, 1).command(CONNECT), Rules.basic(554, SYSTEM_ERROR, 0, 0),
			Rules.basic(557, CONTENT_REJECTED, 7, 1), Rules.basic(571, SENDER_BLOCKED, 7, 1),
			Rules.basic(572, RELAY_DENIED, 7, 1),
			// whatever else a server says at these phases
			Rules.basicClass(5, SENDER_BLOCKED, 7, 1).command(CONNECT),
			Rules.basicClass(5, AUTHENTICATION_REQUIRED, 7, 8).command(AUTH),
			Rules.basicClass(4, SYSTEM_ERROR, 7, 0).command(AUTH),
			Rules.basicClass(5, PROTOCOL_ERROR, 7, 4).command(STARTTLS), Rules.basicClass(4, UNKNOWN, 0, 0),
			Rules.basicClass(5, UNKNOWN, 0, 0));

}
