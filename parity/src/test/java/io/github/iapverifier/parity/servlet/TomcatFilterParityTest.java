package io.github.iapverifier.parity.servlet;

import io.github.iapverifier.IapVerifier;
import io.github.iapverifier.parity.AdapterConfiguration;
import io.github.iapverifier.parity.ParitySuite;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The plain {@code IapFilter} in Tomcat (11 with Spring Boot 4's dependency versions, 10.1 under
 * {@code -Pboot35}), mapped to every dispatcher type.
 */
class TomcatFilterParityTest extends ParitySuite {

  @Override
  protected AdapterConfiguration configuration() {
    return settings -> {
      IapVerifier[] verifier = new IapVerifier[1];
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(Files.createTempDirectory("parity-tomcat").toString());
      tomcat.setHostname("127.0.0.1");
      tomcat.setPort(0);
      tomcat.getConnector().setProperty("address", "127.0.0.1");
      Context context = tomcat.addContext("", null);

      FilterDef def = new FilterDef();
      def.setFilterName("iap");
      def.setFilter(ParityServlets.filter(settings, verifier));
      def.setAsyncSupported("true");
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName("iap");
      map.addURLPattern("/*");
      for (DispatcherType type : DispatcherType.values()) {
        map.setDispatcher(type.name());
      }
      context.addFilterMap(map);

      ParityServlets.servlets()
          .forEach(
              (mapping, servlet) -> {
                String name = "servlet" + mapping.replace('/', '-');
                Wrapper wrapper = Tomcat.addServlet(context, name, servlet);
                wrapper.setAsyncSupported(true);
                context.addServletMappingDecoded(mapping, name);
              });
      ErrorPage onThrow = new ErrorPage();
      onThrow.setExceptionType(Throwable.class.getName());
      onThrow.setLocation("/error");
      context.addErrorPage(onThrow);
      ErrorPage byDefault = new ErrorPage(); // no code, no type: every other error status
      byDefault.setLocation("/error");
      context.addErrorPage(byDefault);

      tomcat.start();
      URI base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());
      return AdapterConfiguration.RunningApp.of(
          base,
          () -> {
            tomcat.stop();
            tomcat.destroy();
            verifier[0].close();
          });
    };
  }
}
