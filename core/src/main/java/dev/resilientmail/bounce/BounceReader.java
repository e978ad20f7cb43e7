package dev.resilientmail.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilientmail.bounce.BounceReport.Type;
import dev.resilientmail.bounce.BouncedRecipient.Action;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static dev.resilientmail.bounce.FieldValues.address;
import static dev.resilientmail.bounce.FieldValues.addAddresses;
import static dev.resilientmail.bounce.FieldValues.bare;
import static dev.resilientmail.bounce.FieldValues.date;
import static dev.resilientmail.bounce.FieldValues.firstOf;
import static dev.resilientmail.bounce.FieldValues.firstToken;
import static dev.resilientmail.bounce.FieldValues.mta;
import static dev.resilientmail.bounce.FieldValues.optional;
import static dev.resilientmail.bounce.FieldValues.sentTo;

/**
 * Reads one message into a {@link BounceReport}: feedback reports first, then RFC 3464
 * (and RFC 6533) delivery-status parts, then the text detector; auto-replies are told
 * from bounces by their fields.
 */
final class BounceReader {

	private static final Pattern MESSAGE_ID = Pattern
		.compile("(?im)^[ \\t>]*message-id:[ \\t]*<?([^<>\\s]+@[^<>\\s]+?)>?[ \\t]*$");

	private static final Pattern AUTO_REPLY_SUBJECT = Pattern.compile(
			"(?i)^(?:auto(?:matic)?[ -]?(?:reply|response|antwort|answer)|autoreply|auto:|out of (?:the )?office|abwesenheit|vacation|r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica)");

	private static final Pattern FINAL_RECIPIENT = Pattern.compile("(?im)^final-recipient:[ \\t]*\\S");

	private static final Pattern REPORTING_MTA = Pattern.compile("(?im)^reporting-mta:");

	private final ReplyClassifier classifier;

	private final Formats formats;

	BounceReader(ReplyClassifier classifier, Formats formats) {
		this.classifier = classifier;
		this.formats = formats;
	}

	BounceReport read(byte[] bytes, int length, String note) {
		String raw = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
		if (raw.isBlank()) {
			return problem(Type.INVALID, "the message is empty");
		}
		Mime.Part top = Mime.parse(raw);
		if (top.headers.isEmpty()) {
			return problem(Type.INVALID, "the input starts with no header fields, so it is not a mail message");
		}
		ReportParts parts = new ReportParts(top);
		if (parts.feedback != null || "feedback-report".equalsIgnoreCase(top.reportType)) {
			return report(Type.FEEDBACK_REPORT, "RFC5965", null, null, parts, List.of(), top, note);
		}
		String statusText = (parts.status != null) ? parts.status.text() : embeddedStatusFields(parts.human());
		if (statusText != null) {
			BounceReport dsn = deliveryStatus(statusText, parts, note);
			if (dsn != null) {
				return dsn;
			}
		}
		return text(top, parts, note);
	}

	/**
	 * Delivery-status fields written into the text of a report whose structure is broken
	 * (no part boundaries): from the {@code Reporting-MTA} or first
	 * {@code Final-Recipient} line on; {@code null} when there are none.
	 */
	private static String embeddedStatusFields(String text) {
		Matcher recipient = FINAL_RECIPIENT.matcher(text);
		if (!recipient.find()) {
			return null;
		}
		Matcher mta = REPORTING_MTA.matcher(text);
		int start = (mta.find() && mta.start() < recipient.start()) ? mta.start() : recipient.start();
		return text.substring(start);
	}

	private BounceReport deliveryStatus(String content, ReportParts parts, String note) {
		List<Headers> groups = new ArrayList<>();
		int position = 0;
		while (position < content.length() && groups.size() <= BounceParser.MAX_RECIPIENTS) {
			Headers.Block block = Headers.read(content, position, content.length());
			if (block.bodyStart() <= position) {
				// not a field line: skip it
				position = Mime.nextLine(content, Mime.lineEnd(content, position, content.length()), content.length());
				continue;
			}
			if (!block.headers().isEmpty()) {
				groups.add(block.headers());
			}
			position = block.bodyStart();
		}
		Headers message = groups.isEmpty() ? Headers.EMPTY : groups.get(0);
		Set<String> addresses = new HashSet<>();
		for (Headers group : groups) {
			String address = address(firstOf(group, "final-recipient", "original-recipient", "x-actual-recipient"));
			if (!address.isEmpty()) {
				addresses.add(address.toLowerCase(Locale.ROOT));
			}
		}
		String[] humanText = new String[1];
		Supplier<String> human = () -> {
			if (humanText[0] == null) {
				humanText[0] = TextDetector.humanPart(parts.human(), this.formats);
			}
			return humanText[0];
		};
		List<BouncedRecipient> recipients = new ArrayList<>();
		for (Headers group : groups) {
			String address = address(firstOf(group, "final-recipient", "original-recipient", "x-actual-recipient"));
			if (address.isEmpty() || recipients.size() >= BounceParser.MAX_RECIPIENTS) {
				continue;
			}
			String original = address(group.value("original-recipient"));
			Optional<EnhancedStatusCode> status = Optional
				.ofNullable(Diagnostic.enhanced(firstToken(group.value("status"))));
			String diagnostic = group.value("diagnostic-code");
			int semicolon = diagnostic.indexOf(';');
			String diagnosticText = (semicolon >= 0 && semicolon < 20) ? diagnostic.substring(semicolon + 1)
					: diagnostic;
			if (diagnosticText.isBlank()) {
				diagnosticText = TextDetector.about(human.get(), address, others(addresses, address));
			}
			Action action = action(group.value("action"), status, diagnosticText);
			Supplier<String> context = () -> TextDetector.around(human.get(), address, others(addresses, address));
			boolean localMailer = diagnostic.regionMatches(true, 0, "x-unix", 0, 6)
					|| group.value("x-actual-recipient").contains("|");
			recipients.add(recipient(address, original, action, status, diagnosticText, context, localMailer,
					mta(group.value("remote-mta")), date(group.value("last-attempt-date"))));
		}
		if (recipients.isEmpty()) {
			return null;
		}
		String reportingMta = mta(message.value("reporting-mta"));
		boolean global = parts.status != null && parts.status.type.contains("global");
		return new BounceReport(type(recipients), global ? "RFC6533" : "RFC3464", optional(reportingMta),
				date(message.value("arrival-date")), originalMessageId(parts),
				optional(message.value("original-envelope-id")), sentTo(parts.top.headers), recipients, optional(note));
	}

	private BounceReport text(Mime.Part top, ReportParts parts, String note) {
		Headers headers = top.headers;
		String whole = parts.human();
		String format = this.formats.recognise(whole, headers);
		String from = headers.value("from").toLowerCase(Locale.ROOT);
		String subject = headers.value("subject").toLowerCase(Locale.ROOT);
		boolean mailSystem = Formats.containsAny(from, this.formats.froms);
		boolean bounceSubject = Formats.containsAny(subject, this.formats.subjects);
		boolean failedHeader = headers.has("x-failed-recipients");
		if (format == null && !mailSystem && !bounceSubject && !failedHeader) {
			if (isAutoReply(headers)) {
				return report(Type.AUTO_REPLY, "RFC3834", null, null, parts, List.of(), top, note);
			}
			return problem(Type.NOT_A_BOUNCE,
					"neither a delivery-status report nor a known bounce format, and not from a mail system");
		}
		String human = TextDetector.humanPart(whole, this.formats);
		// a recipient line never names the mail system itself or the envelope sender; any
		// other mention of the original sender (To, the returned From) is only excluded
		// where no line names a recipient
		Set<String> excluded = new HashSet<>();
		addAddresses(headers.value("from"), excluded);
		TextDetector.senders(whole, excluded);
		Set<String> senders = new HashSet<>(excluded);
		addAddresses(headers.value("to"), senders);
		addAddresses(headers.value("reply-to"), senders);
		if (parts.returned != null && parts.returned.message != null) {
			addAddresses(parts.returned.message.headers.value("from"), senders);
			addAddresses(parts.returned.message.headers.value("return-path"), senders);
		}
		List<TextDetector.Block> blocks = new ArrayList<>(
				TextDetector.blocks(human, excluded, BounceParser.MAX_RECIPIENTS));
		if (blocks.isEmpty() && failedHeader) {
			// the text names no recipient where one stands (a bare local part): the
			// header
			// field Exim adds does
			for (String address : headers.value("x-failed-recipients").split("[,\\s]+")) {
				String clean = address(address);
				if (!clean.isEmpty() && blocks.size() < BounceParser.MAX_RECIPIENTS) {
					blocks.add(new TextDetector.Block(clean, ""));
				}
			}
			List<TextDetector.Block> found = TextDetector.blocks(human, Set.of(), BounceParser.MAX_RECIPIENTS);
			for (int i = 0; i < blocks.size(); i++) {
				TextDetector.Block block = blocks.get(i);
				String text = found.stream()
					.filter((candidate) -> candidate.address().equalsIgnoreCase(block.address()))
					.map(TextDetector.Block::text)
					.findFirst()
					.orElse(TextDetector.about(human, block.address()));
				if (text.isBlank() && blocks.size() == 1) {
					// the report names the recipient differently (a bare local part): all
					// it
					// says is about the one failed recipient
					text = human;
				}
				blocks.set(i, new TextDetector.Block(block.address(), text));
			}
		}
		if (blocks.isEmpty()) {
			TextDetector.Block block = TextDetector.anywhere(human, senders);
			if (block != null) {
				blocks.add(block);
			}
		}
		if (blocks.isEmpty()) {
			if (isAutoReply(headers)) {
				return report(Type.AUTO_REPLY, "RFC3834", null, null, parts, List.of(), top, note);
			}
			return problem(Type.NOT_A_BOUNCE, "reads like a bounce but names no recipient address");
		}
		boolean delayed = delayed(whole + "\n" + headers.value("subject"));
		Set<String> addresses = new HashSet<>();
		blocks.forEach((block) -> addresses.add(block.address().toLowerCase(Locale.ROOT)));
		List<BouncedRecipient> recipients = new ArrayList<>();
		for (TextDetector.Block block : blocks) {
			String text = block.text();
			// a permanent reply (5xx) quoted for the recipient is a verdict, whatever the
			// report says about other recipients still queued
			boolean permanent = Diagnostic.read(text).reply().map((reply) -> reply.codeClass() == 5).orElse(false);
			Action action = (delayed && !permanent && !finalWording(text)) ? Action.DELAYED : Action.FAILED;
			Supplier<String> context = () -> TextDetector.before(human, block.address(),
					others(addresses, block.address()));
			recipients.add(recipient(block.address(), "", action, Optional.empty(), text, context, false, "",
					Optional.empty()));
		}
		return report(type(recipients), (format != null) ? format : "Generic", null, null, parts, recipients, top,
				note);
	}

	private boolean delayed(String text) {
		String lower = text.toLowerCase(Locale.ROOT);
		return Formats.containsAny(lower, this.formats.delays) && !Formats.containsAny(lower, this.formats.finals);
	}

	private boolean finalWording(String text) {
		return Formats.containsAny(text.toLowerCase(Locale.ROOT), this.formats.finals);
	}

	private static boolean isAutoReply(Headers headers) {
		String submitted = headers.value("auto-submitted").toLowerCase(Locale.ROOT);
		return submitted.startsWith("auto-replied") || headers.has("x-autoreply") || headers.has("x-autorespond")
				|| headers.value("x-apple-action").equalsIgnoreCase("vacation")
				|| headers.value("precedence").equalsIgnoreCase("auto_reply")
				|| AUTO_REPLY_SUBJECT.matcher(headers.value("subject").trim()).find();
	}

	private static Set<String> others(Set<String> addresses, String address) {
		Set<String> others = new HashSet<>(addresses);
		others.remove(address.toLowerCase(Locale.ROOT));
		return others;
	}

	/**
	 * One recipient, classified on its diagnostic; where only codes decide that (a bare
	 * code, a status that names no detail), the report's own words about the recipient
	 * are read too: the text before the quoted reply and what the report writes around
	 * the recipient's address.
	 * @param context the report's text around the recipient, read only when needed
	 * @param localMailer whether a local delivery program gave the diagnostic
	 */
	private BouncedRecipient recipient(String address, String original, Action action,
			Optional<EnhancedStatusCode> status, String text, Supplier<String> context, boolean localMailer,
			String remoteMta, Optional<Instant> lastAttempt) {
		Diagnostic diagnostic = Diagnostic.read(text);
		Optional<EnhancedStatusCode> given = diagnostic.enhancedCode().isPresent() ? diagnostic.enhancedCode() : status;
		SmtpReply reply = diagnostic.reply().orElse(null);
		if (reply != null && status.isPresent() && status.get().codeClass() == reply.codeClass()
				&& (reply.enhancedCode().isEmpty() ? !isOther(status.get())
						: isOther(reply.enhancedCode().get()) && status.get().detail() != 0)) {
			// the reporting server's status for a reply that carries none, or one that
			// says more than the reply's X.0.0; a status X.0.0 says nothing the text
			// could not
			reply = new SmtpReply(reply.code(), status, reply.lines());
		}
		SmtpReply classified = (reply != null) ? reply : synthesise(action, given, diagnostic.text());
		// the phase the diagnostic names, else the one the report names around it ("in
		// reply to RCPT TO command" in Postfix's text, a transcript's ">>> MAIL From:")
		SmtpCommand phase = (diagnostic.phase() != SmtpCommand.ANY || reply == null) ? diagnostic.phase()
				: Diagnostic.read(context.get()).phase();
		Classification classification = this.classifier.classify(classified, phase);
		SmtpReply cause = cause(classified);
		if (cause != null) {
			Classification first = this.classifier.classify(cause, phase);
			if (!codesOnly(first)) {
				classification = first;
			}
		}
		if (codesOnly(classification)) {
			String around = context.get();
			if (phase == SmtpCommand.ANY) {
				phase = Diagnostic.read(around).phase();
			}
			Classification wider = this.classifier.classify(widened(classified, diagnostic.text(), around), phase);
			if (!codesOnly(wider)) {
				classification = wider;
			}
			else if (localMailer) {
				// a local delivery program failed (its exit status is the
				// diagnostic): the receiving mail system's trouble, RFC 3463 X.3.0
				EnhancedStatusCode system = new EnhancedStatusCode(classified.codeClass(), 3, 0);
				classification = this.classifier
					.classify(new SmtpReply(classified.code(), Optional.of(system), classified.lines()), phase);
			}
		}
		return new BouncedRecipient(address,
				(original.isEmpty() || original.equalsIgnoreCase(address)) ? Optional.empty() : Optional.of(original),
				action, given, diagnostic.reply(), diagnostic.text(), optional(remoteMta), lastAttempt, phase,
				classification);
	}

	/**
	 * The reply without the wording an MTA appended when it gave up on it ("mailbox is
	 * full: retry timeout exceeded"), or {@code null} when it has none.
	 */
	private SmtpReply cause(SmtpReply reply) {
		String line = reply.lines().get(0);
		String lower = line.toLowerCase(Locale.ROOT);
		for (String suffix : this.formats.suffixes) {
			int at = lower.indexOf(suffix);
			if (at > 0) {
				return new SmtpReply(reply.code(), reply.enhancedCode(), List.of(line.substring(0, at)));
			}
		}
		return null;
	}

	private static boolean isOther(EnhancedStatusCode code) {
		return code.subject() == 0 && code.detail() == 0;
	}

	/**
	 * Whether only codes decided: a basic code, the first digit, or the registry meaning
	 * of an enhanced code that names a subject but no detail (X.5.0, X.0.0).
	 */
	private static boolean codesOnly(Classification classification) {
		String ids = classification.ruleIds();
		int plus = ids.indexOf('+');
		String id = (plus < 0) ? ids : ids.substring(0, plus);
		if (id.isEmpty() || id.startsWith("basic-") || id.equals("first-digit") || id.equals("none")) {
			return true;
		}
		return id.startsWith("registry-") && classification.enhancedCode().detail() == 0;
	}

	/** The reply with the whole diagnostic text and the report's words around it. */
	private static SmtpReply widened(SmtpReply reply, String text, String context) {
		String words = Diagnostic.collapse(text + "\n" + context);
		String line = reply.code() + reply.enhancedCode().map((given) -> " " + given).orElse("")
				+ (words.isEmpty() ? "" : " " + words);
		return new SmtpReply(reply.code(), reply.enhancedCode(), List.of(line));
	}

	/**
	 * The reply a report implies when it quotes none: the class from the status, else
	 * from the action; a generic code of that class, so that the text and status decide.
	 */
	private static SmtpReply synthesise(Action action, Optional<EnhancedStatusCode> status, String text) {
		int codeClass;
		if (action == Action.DELIVERED || action == Action.RELAYED || action == Action.EXPANDED) {
			codeClass = 2;
		}
		else if (status.isPresent() && status.get().codeClass() != 2) {
			codeClass = status.get().codeClass();
		}
		else {
			codeClass = (action == Action.DELAYED) ? 4 : 5;
		}
		int code = switch (codeClass) {
			case 2 -> 250;
			case 4 -> 451;
			default -> 554;
		};
		Optional<EnhancedStatusCode> enhanced = status.filter((given) -> given.codeClass() == codeClass);
		String line = code + (enhanced.map((given) -> " " + given).orElse("")) + (text.isEmpty() ? "" : " " + text);
		return new SmtpReply(code, enhanced, List.of(line));
	}

	private static Action action(String field, Optional<EnhancedStatusCode> status, String diagnostic) {
		String value = field.trim().toLowerCase(Locale.ROOT);
		if (value.startsWith("fail")) {
			return Action.FAILED;
		}
		if (value.startsWith("delay")) {
			return Action.DELAYED;
		}
		if (value.startsWith("deliver")) {
			return Action.DELIVERED;
		}
		if (value.startsWith("relay")) {
			return Action.RELAYED;
		}
		if (value.startsWith("expand")) {
			return Action.EXPANDED;
		}
		if (status.isPresent()) {
			return switch (status.get().codeClass()) {
				case 2 -> Action.DELIVERED;
				case 4 -> Action.DELAYED;
				default -> Action.FAILED;
			};
		}
		return Action.FAILED;
	}

	private static Type type(List<BouncedRecipient> recipients) {
		boolean failed = false;
		boolean delayed = false;
		for (BouncedRecipient recipient : recipients) {
			failed |= recipient.action() == Action.FAILED;
			delayed |= recipient.action() == Action.DELAYED;
		}
		return (!failed && delayed) ? Type.DELAY_NOTICE : Type.BOUNCE;
	}

	private BounceReport report(Type type, String format, String reportingMta, Instant arrival, ReportParts parts,
			List<BouncedRecipient> recipients, Mime.Part top, String note) {
		Optional<String> messageId = originalMessageId(parts);
		if (messageId.isEmpty() && (type == Type.AUTO_REPLY || type == Type.FEEDBACK_REPORT)) {
			messageId = optional(bare(top.headers.value("in-reply-to")));
		}
		return new BounceReport(type, format, optional(reportingMta), Optional.ofNullable(arrival), messageId,
				Optional.empty(), sentTo(top.headers), recipients, optional(note));
	}

	private static BounceReport problem(Type type, String problem) {
		return new BounceReport(type, "none", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
				Optional.empty(), List.of(), Optional.of(problem));
	}

	private static Optional<String> originalMessageId(ReportParts parts) {
		if (parts.returned != null && parts.returned.message != null) {
			String id = bare(parts.returned.message.headers.value("message-id"));
			if (!id.isEmpty()) {
				return Optional.of(id);
			}
		}
		String human = parts.human();
		String lower = parts.lowerHuman();
		int at = lower.indexOf("message-id:");
		while (at >= 0) {
			int lineStart = human.lastIndexOf('\n', at) + 1;
			Matcher matcher = MESSAGE_ID.matcher(human);
			matcher.region(lineStart, Math.min(human.length(), at + 1000));
			if (matcher.lookingAt()) {
				return Optional.of(matcher.group(1));
			}
			at = lower.indexOf("message-id:", at + 1);
		}
		return Optional.empty();
	}

}
