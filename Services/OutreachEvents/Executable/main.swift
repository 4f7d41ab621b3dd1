import OutreachEventsService
import Foundation
import KepuRuntime

exit(await ServiceMain.run(OutreachEventsService.definition))
