import ContentSupplyService
import Foundation
import KepuRuntime

exit(await ServiceMain.run(ContentSupplyService.definition))
