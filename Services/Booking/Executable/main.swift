import BookingService
import Foundation
import KepuRuntime

let environment = ProcessInfo.processInfo.environment
do {
    exit(await ServiceMain.run(try BookingService.definition(environment: environment), environment: environment))
} catch {
    FileHandle.standardError.write(Data("booking: \(error)\n".utf8))
    exit(78)
}
