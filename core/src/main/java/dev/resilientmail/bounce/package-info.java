/**
 * Bounces that arrive after the relay accepted a message: delivery status notifications
 * and the formats real mail servers write, read into the same classifications as replies
 * at send time, and a mailbox reader that feeds them in.
 */
package dev.resilientmail.bounce;
