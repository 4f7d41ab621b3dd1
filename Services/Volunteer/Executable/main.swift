import VolunteerService
import Foundation
import KepuRuntime

exit(await ServiceMain.run(VolunteerService.definition))
