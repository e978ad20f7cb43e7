package dev.resilientmail.example.starteronly;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * A fresh Spring Boot application with nothing but the resilient-mail starter and an
 * {@code application.yml}: it sends one welcome message at startup through the injected
 * {@link JavaMailSender}.
 */
@SpringBootApplication
public class StarterOnlyApplication {

	/**
	 * Starts the application.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		SpringApplication.run(StarterOnlyApplication.class, args);
	}

	@Bean
	ApplicationRunner welcome(JavaMailSender mailSender, @Value("${welcome.from}") String from,
			@Value("${welcome.to}") String to) {
		return (args) -> {
			SimpleMailMessage message = new SimpleMailMessage();
			message.setFrom(from);
			message.setTo(to);
			message.setSubject("Started");
			message.setText("The starter-only application is up.");
			mailSender.send(message);
		};
	}

}
