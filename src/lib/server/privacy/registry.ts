/**
 * The personal-data registry, gathered (../personal-data.ts says what a declaration is):
 * every capability that holds something about a person helped, in the order privacy/ walks
 * them. A new capability adds its declaration here; test/personal-data.test.ts fails if a
 * table naming a person is declared nowhere.
 */
import type { PersonalDataDeclaration } from '../personal-data.ts';
import { personalData as beneficiaries } from '../beneficiaries/index.ts';
import { personalData as grants } from '../grants/index.ts';
import { personalData as referral } from '../referral/index.ts';
import { personalData as accompaniments } from '../accompaniments/index.ts';
import { personalData as pass } from '../pass/index.ts';
import { personalData as mail } from '../mail/index.ts';
import { personalData as accounts } from '../accounts/index.ts';
import { personalData as vault } from '../vault/index.ts';
import { personalData as mandates } from '../mandates/index.ts';
import { personalData as trainings } from '../trainings/index.ts';
import { personalData as equipment } from '../equipment/index.ts';

export const PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
	beneficiaries,
	grants,
	mandates,
	referral,
	accompaniments,
	pass,
	mail,
	accounts,
	vault,
	trainings,
	equipment
];
