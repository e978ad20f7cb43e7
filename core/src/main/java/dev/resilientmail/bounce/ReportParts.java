package dev.resilientmail.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The parts of a message the bounce reader looks at. */
final class ReportParts {

	Mime.Part status;

	Mime.Part feedback;

	Mime.Part returned;

	private final List<Mime.Part> texts = new ArrayList<>();

	private final List<Mime.Part> htmls = new ArrayList<>();

	private String human;

	private String lowerHuman;

	final Mime.Part top;

	ReportParts(Mime.Part top) {
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
