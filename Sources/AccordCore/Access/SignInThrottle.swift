/// When failed sign-ins must slow down: per account and per address, over a sliding window, so a
/// guesser is stopped and nobody is locked out for good (the window passes).
public struct SignInThrottle: Sendable, Equatable {
    /// How far back failures count, in seconds.
    public var windowSeconds: Int = 15 * 60
    /// Failures of one account within the window before it is refused.
    public var failuresPerAccount: Int = 5
    /// Failures from one address within the window before it is refused (shared offices sign in a lot).
    public var failuresPerAddress: Int = 20

    public init() {}

    /// nil when the attempt may go ahead; otherwise the refusal with how long to wait.
    public func check(accountFailures: Int, addressFailures: Int) -> AccordError? {
        if accountFailures >= failuresPerAccount || addressFailures >= failuresPerAddress {
            return .rateLimited(retryAfterSeconds: windowSeconds)
        }
        return nil
    }
}
