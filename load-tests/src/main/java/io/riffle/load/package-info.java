/**
 * Load-test support that needs nothing but the JDK: {@link io.riffle.load.ServiceProcess} runs the
 * service jar as a child process for a scenario or a test. The stream generator lives in {@link
 * io.riffle.load.gen}.
 */
package io.riffle.load;
