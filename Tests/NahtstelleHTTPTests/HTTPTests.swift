import HummingbirdTesting
import Testing
@testable import NahtstelleHTTP
