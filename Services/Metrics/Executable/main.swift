import MetricsService
import Foundation
import KepuRuntime

let environment = ProcessInfo.processInfo.environment
do {
    exit(await ServiceMain.run(try MetricsService.definition(environment: environment), environment: environment))
} catch {
    FileHandle.standardError.write(Data("metrics: \(error)\n".utf8))
    exit(78)
}
