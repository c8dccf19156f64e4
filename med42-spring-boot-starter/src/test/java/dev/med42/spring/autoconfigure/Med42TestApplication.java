package dev.med42.spring.autoconfigure;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * An application with nothing of its own: everything comes from auto-configuration, as in an application that only
 * adds the starter. No component scan, so the other tests' configurations stay out.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class Med42TestApplication {}
