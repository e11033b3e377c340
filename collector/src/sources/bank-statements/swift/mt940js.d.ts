/** Types for the parts of mt940js (JavaScript, untyped) finmon uses. */
declare module 'mt940js' {
  export interface Mt940Transaction {
    date: Date;
    entryDate: Date | '';
    fundsCode: string;
    amount: number;
    isReversal: boolean;
    transactionType: string;
    reference: string;
    bankReference: string;
    extraDetails: string;
    currency: string;
    details: string;
    structuredDetails?: Record<string, string>;
    nonSwift?: string;
  }
  export interface Mt940Statement {
    transactionReference: string;
    relatedReference: string;
    accountIdentification: string;
    number: { statement: string; sequence: string; section: string };
    statementDate: Date;
    openingBalanceDate: Date;
    closingBalanceDate: Date;
    closingAvailableBalanceDate: Date;
    forwardAvailableBalanceDate: Date;
    currency: string;
    openingBalance: number;
    closingBalance: number;
    closingAvailableBalance: number;
    forwardAvailableBalance: number;
    informationToAccountOwner?: string;
    transactions: Mt940Transaction[];
  }
  export class Parser {
    constructor(options?: { no86Structure?: boolean });
    parse(data: string, withTags?: boolean): Mt940Statement[];
  }
}

declare module 'mt940js/lib/tags' {
  export interface Mt940Tag {
    readonly id: number | string;
    readonly data: string;
    readonly fields: Record<string, unknown>;
  }
  export class TagFactory {
    createTag(id: string, subId: string, data: string): Mt940Tag;
  }
}
