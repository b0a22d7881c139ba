/** JMH benchmarks and the gateway load benchmark. */
package io.veil.bench;
