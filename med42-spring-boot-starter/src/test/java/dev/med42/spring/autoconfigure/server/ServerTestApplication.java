package dev.med42.spring.autoconfigure.server;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application with nothing of its own but the starter, Spring MVC and the server switched on by properties. */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ServerTestApplication {}
