/**
 * Spring Boot auto-configuration for resilient-mail: a {@code JavaMailSender} that throws
 * typed exceptions and retries and rate-limits by what the server's replies mean,
 * configured under {@code resilient-mail.*}.
 */
package dev.resilientmail.spring;
