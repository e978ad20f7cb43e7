package dev.resilientmail.spring;

import java.util.concurrent.CompletableFuture;

import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.MimeMailMessage;

import dev.resilientmail.DeliveryReport;

/**
 * The {@link AsyncMailSender} of the starter, sharing the delivery of the
 * {@link ResilientJavaMailSender}.
 */
final class DeliveryAsyncMailSender implements AsyncMailSender {

	private final ResilientJavaMailSender sender;

	DeliveryAsyncMailSender(ResilientJavaMailSender sender) {
		this.sender = sender;
	}

	@Override
	public MimeMessage createMimeMessage() {
		return this.sender.createMimeMessage();
	}

	@Override
	public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message) {
		return this.sender.sendAsync(message, message);
	}

	@Override
	public CompletableFuture<DeliveryReport> sendAsync(SimpleMailMessage message) {
		MimeMessage mime;
		try {
			MimeMailMessage adapter = new MimeMailMessage(this.sender.createMimeMessage());
			message.copyTo(adapter);
			mime = adapter.getMimeMessage();
		}
		catch (MailException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return this.sender.sendAsync(mime, message);
	}

}
