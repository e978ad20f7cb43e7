package dev.resilientmail.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilientmail.bounce.BounceReport.Type;
import dev.resilientmail.bounce.BouncedRecipient.Action;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

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

	private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

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
		Parts parts = new Parts(top);
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

	private BounceReport deliveryStatus(String content, Parts parts, String note) {
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
		String human = null;
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
				if (human == null) {
					human = TextDetector.humanPart(parts.human(), this.formats);
				}
				diagnosticText = TextDetector.about(human, address);
			}
			Action action = action(group.value("action"), status, diagnosticText);
			recipients.add(recipient(address, original, action, status, diagnosticText, mta(group.value("remote-mta")),
					date(group.value("last-attempt-date"))));
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

	private BounceReport text(Mime.Part top, Parts parts, String note) {
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
		List<BouncedRecipient> recipients = new ArrayList<>();
		for (TextDetector.Block block : blocks) {
			String text = block.text();
			Action action = delayed && !finalWording(text) ? Action.DELAYED : Action.FAILED;
			recipients.add(recipient(block.address(), "", action, Optional.empty(), text, "", Optional.empty()));
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

	private BouncedRecipient recipient(String address, String original, Action action,
			Optional<EnhancedStatusCode> status, String text, String remoteMta, Optional<Instant> lastAttempt) {
		Diagnostic diagnostic = Diagnostic.read(text);
		Optional<EnhancedStatusCode> given = diagnostic.enhancedCode().isPresent() ? diagnostic.enhancedCode() : status;
		SmtpReply reply = diagnostic.reply().orElse(null);
		if (reply != null && reply.enhancedCode().isEmpty() && status.isPresent()
				&& status.get().codeClass() == reply.codeClass()) {
			// the reporting server's status for a reply that carries none
			reply = new SmtpReply(reply.code(), status, reply.lines());
		}
		SmtpReply classified = (reply != null) ? reply : synthesise(action, given, diagnostic.text());
		Classification classification = this.classifier.classify(classified, diagnostic.phase());
		return new BouncedRecipient(address,
				(original.isEmpty() || original.equalsIgnoreCase(address)) ? Optional.empty() : Optional.of(original),
				action, given, diagnostic.reply(), diagnostic.text(), optional(remoteMta), lastAttempt,
				diagnostic.phase(), classification);
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

	private BounceReport report(Type type, String format, String reportingMta, Instant arrival, Parts parts,
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

	/** The address the report was delivered to: the original message's return path. */
	private static Optional<String> sentTo(Headers headers) {
		for (String name : new String[] { "x-original-to", "delivered-to", "to" }) {
			String address = address(headers.value(name));
			if (!address.isEmpty()) {
				return Optional.of(address);
			}
		}
		return Optional.empty();
	}

	private static Optional<String> originalMessageId(Parts parts) {
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

	private static String bare(String id) {
		String value = id.trim();
		int open = value.indexOf('<');
		int close = value.indexOf('>', open + 1);
		if (open >= 0 && close > open) {
			return value.substring(open + 1, close).trim();
		}
		return value.contains(" ") ? "" : value;
	}

	private static String firstOf(Headers headers, String... names) {
		for (String name : names) {
			String value = headers.get(name);
			if (value != null && !value.isBlank()) {
				return value;
			}
		}
		return "";
	}

	private static String firstToken(String value) {
		String trimmed = value.trim();
		int space = 0;
		while (space < trimmed.length() && !Character.isWhitespace(trimmed.charAt(space))
				&& trimmed.charAt(space) != '(') {
			space++;
		}
		return trimmed.substring(0, space);
	}

	/** An address field value: {@code rfc822; <a@b>} to {@code a@b}. */
	static String address(String value) {
		String text = value.trim();
		int semicolon = text.indexOf(';');
		if (semicolon >= 0 && semicolon < 12) {
			text = text.substring(semicolon + 1).trim();
		}
		Matcher matcher = TextDetector.ADDRESS.matcher(text);
		if (matcher.find()) {
			return TextDetector.clean(matcher.group());
		}
		return "";
	}

	private static void addAddresses(String field, Set<String> into) {
		Matcher matcher = TextDetector.ADDRESS.matcher(field);
		while (matcher.find()) {
			into.add(TextDetector.clean(matcher.group()).toLowerCase(Locale.ROOT));
		}
	}

	/** An MTA field value: {@code dns; mx.example.com} to {@code mx.example.com}. */
	private static String mta(String value) {
		String text = value.trim();
		int semicolon = text.indexOf(';');
		if (semicolon >= 0 && semicolon < 12) {
			text = text.substring(semicolon + 1).trim();
		}
		int space = text.indexOf(' ');
		return (space > 0) ? text.substring(0, space) : text;
	}

	static Optional<Instant> date(String value) {
		String text = value.trim();
		if (text.isEmpty()) {
			return Optional.empty();
		}
		int comment = text.indexOf('(');
		if (comment > 0) {
			text = text.substring(0, comment).trim();
		}
		text = text.replaceAll("\\s+", " ");
		try {
			return Optional.of(ZonedDateTime.parse(text, RFC_5322).toInstant());
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static Optional<String> optional(String value) {
		return (value == null || value.isBlank()) ? Optional.empty() : Optional.of(value.trim());
	}

	/** The parts of a message the reader looks at. */
	private static final class Parts {

		Mime.Part status;

		Mime.Part feedback;

		Mime.Part returned;

		private final List<Mime.Part> texts = new ArrayList<>();

		private final List<Mime.Part> htmls = new ArrayList<>();

		private String human;

		private String lowerHuman;

		final Mime.Part top;

		Parts(Mime.Part top) {
			this.top = top;
			top.walkOwn((part) -> {
				String type = part.type;
				if (this.status == null && (type.equals("message/delivery-status")
						|| type.equals("message/global-delivery-status") || type.equals("text/delivery-status"))) {
					this.status = part;
				}
				else if (this.feedback == null && type.equals("message/feedback-report")) {
					this.feedback = part;
				}
				else if (this.returned == null && part.message != null) {
					this.returned = part;
				}
				else if (type.equals("text/plain") && !part.isMultipart()) {
					this.texts.add(part);
				}
				else if (type.equals("text/html")) {
					this.htmls.add(part);
				}
			});
			if (this.texts.isEmpty() && this.htmls.isEmpty() && top.children.isEmpty() && top.message == null
					&& this.status == null) {
				this.texts.add(top);
			}
		}

		/** The human-readable text in lower case, same length (else as it is). */
		String lowerHuman() {
			if (this.lowerHuman == null) {
				String lower = human().toLowerCase(Locale.ROOT);
				this.lowerHuman = (lower.length() == human().length()) ? lower : human();
			}
			return this.lowerHuman;
		}

		/** The human-readable text: the plain-text parts, else the HTML parts as text. */
		String human() {
			if (this.human == null) {
				StringBuilder text = new StringBuilder();
				for (Mime.Part part : this.texts.isEmpty() ? this.htmls : this.texts) {
					if (text.length() >= Mime.MAX_TEXT) {
						break;
					}
					String body = part.text();
					text.append(part.type.equals("text/html") ? Html.toText(body) : body).append('\n');
				}
				this.human = text.toString();
			}
			return this.human;
		}

	}

}
