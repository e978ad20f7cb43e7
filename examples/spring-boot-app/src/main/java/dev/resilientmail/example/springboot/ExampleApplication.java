package dev.resilientmail.example.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that sends mail through the injected {@code JavaMailSender},
 * which the resilient-mail starter backs with retries, rate limits and typed exceptions.
 */
@SpringBootApplication
public class ExampleApplication {

	/**
	 * Starts the application.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		SpringApplication.run(ExampleApplication.class, args);
	}

}
