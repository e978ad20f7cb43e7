package dev.resilientmail.transport;

import java.util.Properties;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.SmtpCommand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Proves that {@code mail.smtp.class} selects the capturing transport, over a real socket
 * to GreenMail.
 */
class TransportWiringTests {

	@RegisterExtension
	static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"));

	private Session session(String transportClass) {
		Properties props = new Properties();
		props.setProperty("mail.smtp.host", "127.0.0.1");
		props.setProperty("mail.smtp.port", String.valueOf(greenMail.getSmtp().getPort()));
		props.setProperty("mail.smtp.connectiontimeout", "5000");
		props.setProperty("mail.smtp.timeout", "5000");
		if (transportClass != null) {
			props.setProperty("mail.smtp.class", transportClass);
		}
		return Session.getInstance(props);
	}

	private static MimeMessage message(Session session, String to) throws Exception {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("sender@example.com"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
		message.setSubject("wiring");
		message.setText("hello");
		return message;
	}

	@Test
	void sessionPropertySelectsCapturingTransportForGetTransport() throws Exception {
		Session session = session(CapturingSmtpTransport.class.getName());
		Transport transport = session.getTransport("smtp");
		assertThat(transport).isInstanceOf(CapturingSmtpTransport.class);
		CapturingSmtpTransport capturing = (CapturingSmtpTransport) transport;
		capturing.connect();
		try {
			MimeMessage message = message(session, "alice@example.com");
			capturing.sendMessage(message, message.getAllRecipients());
			DeliveryReport report = capturing.lastDeliveryReport();
			assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("alice@example.com");
			assertThat(report.finalReply().code()).isEqualTo(250);
			assertThat(report.transcript().exchanges()).extracting((e) -> e.command())
				.containsSubsequence(SmtpCommand.CONNECT, SmtpCommand.EHLO, SmtpCommand.MAIL, SmtpCommand.RCPT,
						SmtpCommand.DATA, SmtpCommand.END_OF_DATA);
		}
		finally {
			capturing.close();
		}
		assertThat(greenMail.getReceivedMessages()).hasSize(1);
	}

	@Test
	void sessionPropertySelectsCapturingTransportForStaticSend() throws Exception {
		Session session = session(CapturingSmtpTransport.class.getName());
		RecordingListener listener = new RecordingListener();
		session.getProperties().put("resilient-mail.listener", listener);
		Transport.send(message(session, "bob@example.com"));
		assertThat(listener.delivered).hasSize(1);
		assertThat(listener.exchanges).isNotEmpty();
		assertThat(greenMail.getReceivedMessages()).hasSize(1);
	}

	@Test
	void withoutThePropertyAngusKeepsItsOwnTransport() throws Exception {
		Transport transport = session(null).getTransport("smtp");
		assertThat(transport).isExactlyInstanceOf(SMTPTransport.class);
	}

	@Test
	void misconfiguredClassNameFailsLoudly() {
		Session session = session("dev.resilientmail.transport.NoSuchTransport");
		assertThatIllegalStateException().isThrownBy(() -> CapturingSmtpTransport.of(session, "smtp"))
			.withMessageContaining("mail.smtp.class")
			.withMessageContaining("NoSuchTransport")
			.withMessageContaining(CapturingSmtpTransport.class.getName());
	}

	@Test
	void smtpsPropertySelectsCapturingSmtpsTransport() throws Exception {
		Properties props = new Properties();
		props.setProperty("mail.smtps.class", CapturingSmtpsTransport.class.getName());
		assertThat(Session.getInstance(props).getTransport("smtps")).isInstanceOf(CapturingSmtpsTransport.class);
	}

	static final class RecordingListener implements dev.resilientmail.DeliveryListener {

		final java.util.List<dev.resilientmail.reply.SmtpExchange> exchanges = new java.util.concurrent.CopyOnWriteArrayList<>();

		final java.util.List<DeliveryReport> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onExchange(dev.resilientmail.reply.SmtpExchange exchange) {
			this.exchanges.add(exchange);
		}

		@Override
		public void onDelivered(DeliveryReport report) {
			this.delivered.add(report);
		}

	}

}
