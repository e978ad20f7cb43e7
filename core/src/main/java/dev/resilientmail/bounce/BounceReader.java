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
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.EnhancedStatusCode;

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

	private final Formats formats;

	private final RecipientReading reading;

	BounceReader(ReplyClassifier classifier, Formats formats) {
		this.formats = formats;
		this.reading = new RecipientReading(classifier, formats);
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
			Supplier<String> context = () -> RecipientContext.around(human.get(), address, others(addresses, address));
			boolean localMailer = diagnostic.regionMatches(true, 0, "x-unix", 0, 6)
					|| group.value("x-actual-recipient").contains("|");
			recipients.add(this.reading.recipient(address, original, action, status, diagnosticText, context,
					localMailer, mta(group.value("remote-mta")), date(group.value("last-attempt-date"))));
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
			Supplier<String> context = () -> RecipientContext.before(human, block.address(),
					others(addresses, block.address()));
			recipients.add(this.reading.recipient(block.address(), "", action, Optional.empty(), text, context, false,
					"", Optional.empty()));
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
