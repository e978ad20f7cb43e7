/**
 * An application whose only dependency is the resilient-mail starter.
 */
package dev.resilientmail.example.starteronly;
