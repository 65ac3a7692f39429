package io.bits4j.testkit;

import io.bits4j.Principal;
import io.bits4j.UserStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link UserStore} that passes every call on to another: extend it and override what a test
 * needs to watch or hold, typically {@link #authenticate} (one password hash per call).
 *
 * <pre>{@code
 * AtomicInteger hashes = new AtomicInteger();
 * UserStore counting = new ForwardingUserStore(UserStore.inMemory()) {
 *   @Override
 *   public Optional<Principal> authenticate(String user, char[] password) {
 *     hashes.incrementAndGet();
 *     return super.authenticate(user, password);
 *   }
 * };
 * }</pre>
 *
 * <p>Thread-safety: that of the delegate.
 */
public class ForwardingUserStore implements UserStore {
  /** The store every call goes to. */
  protected final UserStore delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingUserStore(UserStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public Optional<Principal> authenticate(String user, char[] password) {
    return delegate.authenticate(user, password);
  }

  @Override
  public Optional<Principal> principal(String user) {
    return delegate.principal(user);
  }

  @Override
  public Optional<UserInfo> findUser(String user) {
    return delegate.findUser(user);
  }

  @Override
  public List<UserInfo> users() {
    return delegate.users();
  }

  @Override
  public Optional<String> digestHa1(String user, String realm, DigestAlgorithm algorithm) {
    return delegate.digestHa1(user, realm, algorithm);
  }

  @Override
  public void addUser(String name, char[] password, Set<String> groups, Set<String> digestRealms) {
    delegate.addUser(name, password, groups, digestRealms);
  }

  @Override
  public void setGroups(String name, Set<String> groups) {
    delegate.setGroups(name, groups);
  }

  @Override
  public boolean removeUser(String name) {
    return delegate.removeUser(name);
  }
}
