import MetricsService
import Foundation
import KepuRuntime

exit(await ServiceMain.run(MetricsService.definition))
