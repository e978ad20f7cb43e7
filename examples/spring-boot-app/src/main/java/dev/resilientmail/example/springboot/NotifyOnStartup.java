package dev.resilientmail.example.springboot;

import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Sends one notification when the application is started with {@code --notify=ADDRESS}
 * (repeatable), so that the example can be tried from the command line.
 */
@Component
public class NotifyOnStartup implements ApplicationRunner {

	private final NotificationService notifications;

	/**
	 * Creates the runner.
	 * @param notifications the service that sends
	 */
	public NotifyOnStartup(NotificationService notifications) {
		this.notifications = notifications;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		List<String> to = args.getOptionValues("notify");
		if (to != null && !to.isEmpty()) {
			this.notifications.notify("Hello from resilient-mail", "Sent through the starter's JavaMailSender.",
					to.toArray(String[]::new));
		}
	}

}
